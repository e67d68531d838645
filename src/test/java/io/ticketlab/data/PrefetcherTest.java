package io.ticketlab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class PrefetcherTest {

  @Test
  void items_areTheProducersWhateverThreadsDepthAndOrder() {
    for (int threads : new int[] {1, 2, 5}) {
      for (int depth : new int[] {1, 3, 8}) {
        Prefetcher<String> p = new Prefetcher<>(i -> "item " + i * i, threads, depth);
        List<String> got = new ArrayList<>();
        for (long i : new long[] {0, 1, 2, 3, 7, 8, 2, 3, 4, 20}) {
          got.add(p.get(i));
        }
        assertThat(got).containsExactly("item 0", "item 1", "item 4", "item 9", "item 49",
            "item 64", "item 4", "item 9", "item 16", "item 400");
      }
    }
  }

  @Test
  void readsAheadOnBackgroundThreads_atMostDepthItems() {
    Map<Long, String> producedBy = new ConcurrentHashMap<>();
    Prefetcher<Long> p = new Prefetcher<>(i -> {
      producedBy.put(i, Thread.currentThread().getName());
      return i;
    }, 2, 3);
    assertThat(p.get(10)).isEqualTo(10);
    assertThat(p.get(11)).isEqualTo(11);
    assertThat(producedBy.get(10L)).isEqualTo(Thread.currentThread().getName());
    assertThat(producedBy.get(11L)).startsWith("ticketlab-data-");
    assertThat(producedBy.keySet()).allMatch(i -> i >= 10 && i <= 14);
  }

  @Test
  void producerErrors_reachTheConsumerUnchanged() {
    Prefetcher<Long> p = new Prefetcher<>(i -> {
      if (i == 2) {
        throw new BadInputException("img2.jpg: cannot decode image");
      }
      return i;
    }, 2, 2);
    p.get(0);
    p.get(1);
    assertThatThrownBy(() -> p.get(2))
        .isInstanceOf(BadInputException.class)
        .hasMessage("img2.jpg: cannot decode image");
  }
}

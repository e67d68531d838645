package io.ticketlab.train.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.data.folder.ImageFolder;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host-side batches only (no engine): decoding on background threads is deterministic. */
class ClassificationDataTest {
  @TempDir Path dir;

  @Test
  void batches_doNotDependOnThreadsPrefetchOrResuming() throws IOException {
    ClassificationTrainingTestData.writeShapes(dir, 5, 3);
    ImageFolder folder = ImageFolder.scan(dir);
    ClassificationData one = new ClassificationData(folder, 4, 32, 11, 1, 1);
    ClassificationData many = new ClassificationData(folder, 4, 32, 11, 3, 4);
    ClassificationData resumed = new ClassificationData(folder, 4, 32, 11, 2, 2);
    for (long it = 0; it < 6; it++) {
      ClassificationData.HostBatch a = one.prefetchedBatch(it);
      ClassificationData.HostBatch b = many.prefetchedBatch(it);
      assertThat(b.pixels()).as("iteration %d", it).containsExactly(a.pixels());
      assertThat(b.labels()).containsExactly(a.labels());
      if (it >= 3) {
        assertThat(resumed.prefetchedBatch(it).pixels()).containsExactly(a.pixels());
      }
    }
    assertThat(one.prefetchedBatch(0).pixels()).isNotEqualTo(one.prefetchedBatch(1).pixels());
    assertThat(new ClassificationData(folder, 4, 32, 12, 1, 1).prefetchedBatch(0).pixels())
        .isNotEqualTo(one.prefetchedBatch(0).pixels());
  }
}

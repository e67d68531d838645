package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.StateDict;
import io.ticketlab.model.io.TicketCheckpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparsityCommandTest {
  @TempDir Path dir;

  @Test
  void countsZerosOfPrunableSetAndOfAllParameters() throws Exception {
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    w.put("conv1.weight", new FloatTensor(new int[] {2, 1, 1, 2}, new float[] {0, 1, 0, 0}));
    w.put("bn1.weight", new FloatTensor(new int[] {2}, new float[] {1, 0}));
    w.put("bn1.running_mean", new FloatTensor(new int[] {2}, new float[] {0, 0}));
    w.put("fc.weight", new FloatTensor(new int[] {2, 2}, new float[] {0, 2, 3, 4}));
    Path f = dir.resolve("w.tlck");
    TicketCheckpoint.of(StateDict.ofFloats(w), 0, "").write(f);
    MainTest.Outcome o = MainTest.run("sparsity", f.toString(), "--preset", "classifier-convs", "--json");
    assertThat(o.exitCode()).as(o.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(o.out());
    assertThat(j.get("prunePercent").asDouble()).isEqualTo(75.0);
    // parameters: conv1 (4) + bn1.weight (2) + fc (4) = 10; zeros 3 + 1 + 1 = 5
    assertThat(j.get("parameters").asLong()).isEqualTo(10);
    assertThat(j.get("networkSparsityPercent").asDouble()).isEqualTo(50.0);

    MainTest.Outcome bad = MainTest.run("sparsity", f.toString(), "--preset", "nope");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("nope");
  }
}

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

  @Test
  void groups_reportsTable3SharesAndTheNetworkSparsityOfPruningTheChosenGroups() throws Exception {
    Map<String, FloatTensor> w = new LinkedHashMap<>();
    w.put("backbone.body.conv1.weight", new FloatTensor(new int[] {2, 1, 1, 2}, new float[] {1, 1, 1, 1}));
    w.put("backbone.body.bn1.weight", new FloatTensor(new int[] {2}, new float[] {1, 1}));
    w.put("backbone.body.bn1.running_mean", new FloatTensor(new int[] {2}, new float[] {0, 0}));
    w.put("backbone.body.layer1.0.conv1.weight", new FloatTensor(new int[] {2, 2, 1, 1}, new float[] {0, 1, 0, 1}));
    w.put("rpn.head.conv.0.0.weight", new FloatTensor(new int[] {2, 2, 1, 1}, new float[] {1, 1, 1, 1}));
    w.put("rpn.head.cls_logits.bias", new FloatTensor(new int[] {2}, new float[] {0, 0}));
    w.put("roi_heads.box_head.layer4.0.conv1.weight",
        new FloatTensor(new int[] {4, 2, 1, 1}, new float[] {0, 0, 0, 0, 1, 1, 1, 1}));
    w.put("roi_heads.box_head.layer4.0.downsample.0.weight", new FloatTensor(new int[] {2, 2, 1, 1}, new float[] {1, 1, 1, 1}));
    w.put("roi_heads.box_predictor.cls_score.weight", new FloatTensor(new int[] {2, 2}, new float[] {0, 0, 0, 0}));
    Path f = dir.resolve("c4.tlck");
    TicketCheckpoint.of(StateDict.ofFloats(w), 0, "").write(f);
    MainTest.Outcome o =
        MainTest.run("sparsity", f.toString(), "--preset", "paper-voc:top+base", "--groups", "--at", "50", "--json");
    assertThat(o.exitCode()).as(o.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(o.out());
    // parameters: 4 + 2 + 4 + 4 + 2 + 8 + 4 + 4 = 32 (the running mean is a buffer)
    assertThat(j.get("parameters").asLong()).isEqualTo(32);
    assertThat(j.get("prunePercent").asDouble()).isEqualTo(50.0);
    JsonNode g = j.get("moduleGroups");
    assertThat(g.get("base").get("sharePercent").asDouble()).isEqualTo(12.5);
    assertThat(g.get("top").get("sharePercent").asDouble()).isEqualTo(25.0);
    assertThat(g.get("top").get("sparsityPercent").asDouble()).isEqualTo(50.0);
    assertThat(g.get("rpn").get("parameters").asLong()).isEqualTo(4);
    assertThat(g.get("head").get("sparsityPercent").asDouble()).isEqualTo(100.0);
    assertThat(j.get("moduleGroupsChosen").toString()).isEqualTo("[\"base\",\"top\"]");
    // 50 % of base + top (12 of 32 parameters)
    assertThat(j.get("moduleGroupsNetworkSparsityPercent").asDouble()).isEqualTo(18.75);

    // 80 % of all four groups (20 of 32 parameters)
    MainTest.Outcome text = MainTest.run("sparsity", f.toString(), "--preset", "paper-voc", "--groups");
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).contains("pruning 80.0% of base+top+rpn+head gives 50.000% network sparsity");

    MainTest.Outcome bad = MainTest.run("sparsity", f.toString(), "--preset", "paper-voc:base+bse");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("bse").contains("base, top, rpn, head");
  }
}

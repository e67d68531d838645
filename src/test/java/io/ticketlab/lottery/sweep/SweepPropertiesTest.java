package io.ticketlab.lottery.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Invariants of the expansion and of Slurm's time limits, over random grids and times. */
class SweepPropertiesTest {
  private static final Path FILE = Path.of("/tmp/sweep-properties/s.yaml");
  private static final Path ROOT = Path.of("/tmp/sweep-properties/runs");

  @Property(tries = 40)
  void cells_areEveryCombinationOnce_lastAxisFastest_andEachTransferTakesTheCellItsValuesName(
      @ForAll @IntRange(min = 1, max = 3) int sparsities, @ForAll @IntRange(min = 1, max = 3) int seeds,
      @ForAll @IntRange(min = 1, max = 2) int widths, @ForAll @IntRange(min = 1, max = 3) int tickets) {
    List<String> sp = List.of("0.5", "0.8", "0.9").subList(0, sparsities);
    List<String> sd = List.of("0", "1", "2").subList(0, seeds);
    List<String> wd = List.of("0.125", "0.25").subList(0, widths);
    // distinct tickets (two equal ones would be one experiment), in another order than the classifiers'
    List<String> picked = new ArrayList<>(sp.subList(0, Math.min(tickets, sparsities)));
    java.util.Collections.reverse(picked);
    String text = String.join("\n",
        "grids:",
        "  classify:",
        "    base: {data: {train: crops}, pruning: {sparsity: 0.8, rounds: 2}}",
        "    axes: {pruning.sparsity: " + sp + ", seed: " + sd + ", model.width: " + wd + "}",
        "  ticket:",
        "    base: {task: det, data: {train: t.json}, transfer: {kind: imagenet-ticket}}",
        "    source: {grid: classify, match: {seed: " + sd.get(sd.size() - 1) + "}, same: [model.width]}",
        "    axes: {source.pruning.sparsity: " + picked + ", model.width: " + wd + "}", "");
    Sweep sweep = Sweep.parse(FILE, text, ROOT);
    int n = sparsities * seeds * widths;
    assertThat(sweep.cells()).hasSize(n + picked.size() * widths);
    Set<List<String>> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Sweep.Cell c = sweep.cells().get(i);
      List<String> v = List.of(c.values().get("pruning.sparsity"), c.values().get("seed"), c.values().get("model.width"));
      assertThat(v).isEqualTo(List.of(sp.get(i / (seeds * widths)), sd.get(i / widths % seeds), wd.get(i % widths)));
      assertThat(seen.add(v)).isTrue();
    }
    for (int i = n; i < sweep.cells().size(); i++) {
      Sweep.Cell t = sweep.cells().get(i);
      assertThat(t.dependencies()).hasSize(1);
      Sweep.Cell source = sweep.cells().get(t.dependencies().get(0));
      assertThat(source.values()).containsEntry("pruning.sparsity", t.values().get("source.pruning.sparsity"))
          .containsEntry("seed", sd.get(sd.size() - 1)).containsEntry("model.width", t.values().get("model.width"));
    }
    assertThat(sweep.cells().stream().map(Sweep.Cell::runId).distinct()).hasSize(sweep.cells().size());
    // every dependency lies in an earlier stage
    List<List<Sweep.Cell>> stages = sweep.stages();
    for (int k = 0; k < stages.size(); k++) {
      for (Sweep.Cell c : stages.get(k)) {
        for (int d : c.dependencies()) {
          int dep = d;
          assertThat(stages.subList(0, k).stream().flatMap(List::stream).anyMatch(x -> x.index() == dep)).isTrue();
        }
      }
    }
  }

  @Property
  void slurmTimes_readAsTheirSeconds(@ForAll @IntRange(min = 0, max = 30) int days,
      @ForAll @IntRange(min = 0, max = 23) int hours, @ForAll @IntRange(min = 0, max = 59) int minutes,
      @ForAll @IntRange(min = 0, max = 59) int seconds) {
    long total = 86400L * days + 3600L * hours + 60L * minutes + seconds;
    assertThat(SlurmTime.seconds(String.format("%d-%02d:%02d:%02d", days, hours, minutes, seconds))).isEqualTo(total);
    assertThat(SlurmTime.seconds(String.format("%d-%d:%d", days, hours, minutes))).isEqualTo(total - seconds);
    assertThat(SlurmTime.seconds(String.format("%d:%02d:%02d", 24 * days + hours, minutes, seconds))).isEqualTo(total);
    assertThat(SlurmTime.seconds(String.format("%d:%02d", 1440 * days + 60 * hours + minutes, seconds))).isEqualTo(total);
  }
}

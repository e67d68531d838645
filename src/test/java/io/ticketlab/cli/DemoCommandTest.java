package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticketlab demo --quick}: the whole pipeline (synthetic data, dense run, pruned and rewound
 * ticket, random-pruning control) on a tiny scale; a second call reuses everything.
 */
@Tag("engine")
class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void quickDemo_runsThePipeline_andResumesFromItsFolder() throws Exception {
    Path out = tmp.resolve("demo");
    MainTest.Outcome first = MainTest.run("demo", "--quick", "--quiet", "--out", out.toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    List<String> lines = first.out().lines().toList();
    assertThat(lines.get(0)).contains("sparsity").contains("bbox AP").contains("AP50").contains("on disk");
    assertThat(lines.get(1)).startsWith("dense (level 0)").contains(" 0.0%").endsWith(" MB");
    assertThat(lines.get(2)).startsWith("ticket (level 1");
    assertThat(lines.get(3)).startsWith("random pruning (control)");
    // the ticket and its control have the same network sparsity, about 80%
    String ticketSparsity = lines.get(2).replaceAll(".*?([0-9.]+)%.*", "$1");
    assertThat(Double.parseDouble(ticketSparsity)).isBetween(70.0, 80.0);
    assertThat(lines.get(3)).contains(ticketSparsity + "%");
    // the ticket's weights take less room than the dense model's
    double dense = Double.parseDouble(lines.get(1).replaceAll(".* ([0-9.]+) MB$", "$1"));
    double ticket = Double.parseDouble(lines.get(2).replaceAll(".* ([0-9.]+) MB$", "$1"));
    assertThat(ticket).isLessThan(dense / 2);
    assertThat(lines.get(4)).startsWith("on disk:").contains("dense float32");
    assertThat(out.resolve("experiment.yaml")).exists();
    assertThat(out.resolve("data/train-8/annotations.json")).exists();
    try (var runs = Files.list(out.resolve("runs"))) {
      Path run = runs.filter(p -> p.getFileName().toString().startsWith("lottery_")).findFirst().orElseThrow();
      assertThat(run.resolve("replicate_0/level_1/main/eval.json")).exists();
      assertThat(run.resolve("replicate_0/level_1/branch_random-pruning/eval.json")).exists();
    }
    // again: nothing to train, the same table
    MainTest.Outcome second = MainTest.run("demo", "--quick", "--quiet", "--out", out.toString());
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
  }
}

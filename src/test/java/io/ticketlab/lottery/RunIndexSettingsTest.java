package io.ticketlab.lottery;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.config.ExperimentSpec;
import io.ticketlab.report.ReportInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the report learns of an experiment's spec for the paper's ablations ({@link RunIndex#settings}). */
class RunIndexSettingsTest {
  @TempDir Path dir;

  ExperimentSpec spec(String pruning, String rewind, String extra) throws Exception {
    Path cfg = Files.writeString(Files.createTempFile(dir, "c", ".yaml"), String.join("\n", "task: det",
        "data: {train: coco/train.json, val: coco/val.json}", "training: {iterations: 10it, batch: 2, lr: 0.01}",
        "pruning: {" + pruning + "}", "rewind: {" + rewind + "}", extra, ""));
    return Experiment.read(cfg).spec();
  }

  ReportInput.Settings settings(ExperimentSpec s) {
    return RunIndex.settings(s.runId(), s);
  }

  @Test
  void settings_nameTheValuesAsWritten() throws Exception {
    ReportInput.Settings s = settings(spec("preset: paper-coco, include: ['a\\.weight'], exclude: ['rpn\\..*', 'x'],"
        + " strategy: layerwise, sparsity: 0.8, rounds: 4", "at: 1ep", "early_bird: {fractions: [0.2, 0.4]}"));
    assertThat(s.task()).isEqualTo("det");
    assertThat(s.modules()).isEqualTo("paper-coco; include a\\.weight; exclude rpn\\..*, x");
    assertThat(s.value(ReportInput.MODULES)).isEqualTo(s.modules());
    assertThat(s.value(ReportInput.STRATEGY)).isEqualTo("layerwise");
    assertThat(s.value(ReportInput.ROUNDS)).isEqualTo("4 (iterative)");
    assertThat(s.value(ReportInput.REWIND_AT)).isEqualTo("1ep");
    assertThat(s.earlyBird()).containsExactly(0.2, 0.4);
    assertThat(settings(spec("preset: paper-coco, sparsity: 0.8", "at: 0it", "")).value(ReportInput.ROUNDS))
        .isEqualTo("2 (one-shot)"); // the default rounds
  }

  @Test
  void sameExcept_isShared_exactlyByExperimentsThatDifferOnlyInThatKey() throws Exception {
    String p = "preset: paper-coco, sparsity: 0.8, rounds: 3";
    ReportInput.Settings base = settings(spec(p, "at: 2it", ""));
    ReportInput.Settings rewind = settings(spec(p, "at: 0it", ""));
    ReportInput.Settings rounds = settings(spec("preset: paper-coco, sparsity: 0.8, rounds: 2", "at: 2it", ""));
    ReportInput.Settings strategy = settings(spec(p + ", strategy: layerwise", "at: 2it", ""));
    ReportInput.Settings modules = settings(spec("preset: backbone-only, sparsity: 0.8, rounds: 3", "at: 2it", ""));
    ReportInput.Settings optimizer = settings(spec(p, "at: 0it, optimizer: true", ""));
    ReportInput.Settings earlyBird = settings(spec(p, "at: 2it", "early_bird: {fractions: [0.5]}"));
    List<String> keys = List.of(ReportInput.MODULES, ReportInput.REWIND_AT, ReportInput.ROUNDS, ReportInput.STRATEGY);
    for (String key : keys) {
      ReportInput.Settings varied = switch (key) {
        case ReportInput.MODULES -> modules;
        case ReportInput.REWIND_AT -> rewind;
        case ReportInput.ROUNDS -> rounds;
        default -> strategy;
      };
      for (String other : keys) {
        assertThat(varied.sameExcept().get(other).equals(base.sameExcept().get(other)))
            .as("varied %s, compared on %s", key, other).isEqualTo(other.equals(key));
      }
      // early-bird fractions change the run id, not what is compared
      assertThat(earlyBird.sameExcept().get(key)).isEqualTo(base.sameExcept().get(key));
    }
    // rewind.at compares the point only: rewinding the optimizer too is another setting
    assertThat(optimizer.sameExcept().get(ReportInput.REWIND_AT)).isNotEqualTo(rewind.sameExcept().get(ReportInput.REWIND_AT));
  }
}

package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.engine.EngineSettings;
import io.ticketlab.engine.LocalLibtorch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code sweep run}'s cells load the libtorch their parent was given (no engine is loaded here). */
class SweepChildLibtorchTest {
  @AfterEach
  void backToTheBundledLibtorch() {
    EngineSettings.useLocalLibtorch(null);
  }

  private static List<String> cellCommand() {
    SweepCommand.SweepOptions options = new SweepCommand.SweepOptions();
    options.file = Path.of("sweep.yaml");
    options.root = Path.of("runs");
    return new SweepCommand.ChildJvm(options, 1, null).cell(0, 0);
  }

  @Test
  void localLibtorch_isPassedToEveryCell() {
    Path dir = Path.of("/opt/torch/lib").toAbsolutePath();
    EngineSettings.useLocalLibtorch(new LocalLibtorch(dir, LocalLibtorch.OPTION, "2.7.1", "cu128", "test"));
    List<String> cmd = cellCommand();
    int at = cmd.indexOf("--libtorch");
    assertThat(at).as(cmd.toString()).isPositive();
    assertThat(cmd.get(at + 1)).isEqualTo(dir.toString());
    assertThat(at).isLessThan(cmd.indexOf("sweep"));
  }

  @Test
  void bundledLibtorch_noOption() {
    assertThat(cellCommand()).doesNotContain("--libtorch");
  }
}

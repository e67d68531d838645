package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.train.classify.ClassificationTrainingTestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("engine")
class TrainClassifyCommandTest {
  @TempDir Path dir;

  private String[] trainArgs(Path out, String iterations) {
    return new String[] {
      "train", "classify", "--data", dir.resolve("train").toString(), "--val", dir.resolve("val").toString(),
      "--arch", "resnet18", "--width", "0.125", "--size", "32", "--batch", "6", "--lr", "0.02",
      "--milestones", "1000it", "--iterations", iterations, "--checkpoint-at", "2it", "--out", out.toString(),
      "--quiet", "--seed", "5"
    };
  }

  @Test
  void resumedRun_endsWithTheSameWeightsAsAnUninterruptedOne() throws Exception {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 6, 1);
    ClassificationTrainingTestData.writeShapes(dir.resolve("val"), 2, 2);
    Path straight = dir.resolve("straight");
    Path resumed = dir.resolve("resumed");

    MainTest.Outcome a = MainTest.run(trainArgs(straight, "5it"));
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(a.out()).contains("trained to iteration 5").contains("validation: top-1");
    assertThat(straight.resolve("checkpoint_2.tlck")).exists();
    assertThat(Files.readAllLines(straight.resolve("metrics.csv"))).hasSize(6);

    MainTest.Outcome b1 = MainTest.run(trainArgs(resumed, "3it"));
    assertThat(b1.exitCode()).as(b1.err()).isZero();
    MainTest.Outcome b2 = MainTest.run(trainArgs(resumed, "5it"));
    assertThat(b2.exitCode()).as(b2.err()).isZero();
    assertThat(b2.out()).contains("resumed at iteration 3");
    // provenance: one session per process that worked in the folder, the resume included
    var sessions = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        resumed.resolve("provenance.json").toFile()).get("sessions");
    assertThat(sessions).hasSize(2);
    for (var s : sessions) {
      for (String key : java.util.List.of("ticketlab", "gitCommit", "java", "os", "djl", "libtorch", "devices",
          "threads", "onednnIsa", "nativeMemory", "seed", "host", "pid", "commandLine", "started", "finished")) {
        assertThat(s.hasNonNull(key)).as("provenance key %s", key).isTrue();
      }
      assertThat(s.get("commandLine").asText()).startsWith("ticketlab train classify --data");
    }

    TicketCheckpoint x = TicketCheckpoint.read(straight.resolve("checkpoint_5.tlck"));
    TicketCheckpoint y = TicketCheckpoint.read(resumed.resolve("checkpoint_5.tlck"));
    assertThat(y.step()).isEqualTo(5);
    assertThat(y.weights()).isEqualTo(x.weights());
    assertThat(y.optimizerState()).isEqualTo(x.optimizerState());
    assertThat(Files.readAllLines(resumed.resolve("metrics.csv")))
        .containsExactlyElementsOf(Files.readAllLines(straight.resolve("metrics.csv")));

    // the trained checkpoint classifies through the classify command
    MainTest.Outcome c = MainTest.run(
        "classify", "--weights", straight.resolve("checkpoint_5.tlck").toString(), "--images",
        dir.resolve("val").toString(), "--width", "0.125", "--classes", "3", "--topk", "2", "--json");
    assertThat(c.exitCode()).as(c.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(c.out());
    assertThat(json.get("predictions")).hasSize(6);
    assertThat(json.get("predictions").get(0).get("topk")).hasSize(2);
  }

  @Test
  void divergedTraining_exit2WithOneLineNamingTheLearningRate() throws Exception {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 6, 1);
    ClassificationTrainingTestData.writeShapes(dir.resolve("val"), 2, 2);
    String[] args = trainArgs(dir.resolve("hot"), "5it");
    args[java.util.Arrays.asList(args).indexOf("--lr") + 1] = "1e30";
    MainTest.Outcome hot = MainTest.run(args);
    assertThat(hot.exitCode()).as(hot.err()).isEqualTo(2);
    assertThat(hot.err().strip().lines()).hasSize(1);
    assertThat(hot.err()).contains("training diverged: the loss became").contains("training.lr")
        .doesNotContain("internal error").doesNotContain("Exception");
  }

  @Test
  void badInputs_exit2WithOneLine() throws Exception {
    MainTest.Outcome noData = MainTest.run(
        "train", "classify", "--data", dir.resolve("missing").toString(), "--out", dir.resolve("o").toString());
    assertThat(noData.exitCode()).isEqualTo(2);
    assertThat(noData.err().strip().lines()).hasSize(1);
    assertThat(noData.err()).contains("missing").contains("not a folder");

    MainTest.Outcome badStep = MainTest.run(
        "train", "classify", "--data", dir.toString(), "--iterations", "12 epochs", "--out", dir.resolve("o").toString());
    assertThat(badStep.exitCode()).isEqualTo(2);
    assertThat(badStep.err()).contains("12 epochs");

    Path junk = Files.writeString(dir.resolve("junk.pth"), "not a checkpoint");
    Path img = dir.resolve("img");
    ClassificationTrainingTestData.writeShapes(img, 1, 3);
    MainTest.Outcome badWeights = MainTest.run(
        "classify", "--weights", junk.toString(), "--images", img.toString());
    assertThat(badWeights.exitCode()).isEqualTo(2);
    assertThat(badWeights.err().strip().lines()).hasSize(1);
    assertThat(badWeights.err()).contains("junk.pth");
  }
}

package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {
  @TempDir Path dir;

  @Test
  void dataSynth_writesAnnotationsAndPngs() {
    Path out = dir.resolve("synth");
    MainTest.Outcome o = MainTest.run("data", "synth", "--out", out.toString(), "--images", "3",
        "--seed", "5", "--size", "64", "--split", "val");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out()).contains("3 images");
    CocoDataset coco = CocoReader.readDataset(out.resolve("annotations.json"));
    assertThat(coco.images()).hasSize(3);
    assertThat(coco.images().get(0).width()).isEqualTo(64);
    assertThat(out.resolve("images/000003.png")).isRegularFile();
  }

  @Test
  void negativeImages_isBadInput_oneLine() {
    assertBadInput("--images", MainTest.run("data", "synth", "--out", dir.toString(), "--images", "-1"));
  }

  @Test
  void sizeBelow32_isBadInput_oneLine() {
    assertBadInput("--size", MainTest.run("data", "synth", "--out", dir.toString(), "--images", "2",
        "--size", "16"));
  }

  @Test
  void unknownSplit_isBadInput() {
    MainTest.Outcome o = MainTest.run("data", "synth", "--out", dir.toString(), "--images", "2",
        "--split", "test");
    assertThat(o.exitCode()).isEqualTo(2);
    assertThat(o.err()).contains("--split");
  }

  @Test
  void unwritableOut_isBadInput_oneLine() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
    assertBadInput("a-file", MainTest.run("data", "synth", "--out", file.resolve("sub").toString(),
        "--images", "2"));
  }

  private static void assertBadInput(String mentions, MainTest.Outcome o) {
    assertThat(o.exitCode()).as(o.err()).isEqualTo(2);
    assertThat(o.err()).contains(mentions);
    assertThat(o.err().strip().lines()).hasSize(1);
  }
}

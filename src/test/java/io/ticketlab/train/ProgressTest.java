package io.ticketlab.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress bar: loss terms, iterations and images per second, ETA. */
class ProgressTest {
  @Test
  void line_showsTermsRatesAndEta() {
    Progress p = new Progress(null, "train det", 0, 100, 8);
    Map<String, Double> terms = new LinkedHashMap<>();
    terms.put("loss_classifier", 0.5);
    terms.put("loss_box_reg", 0.25);
    String line = p.line(40, 0.75, terms, 2.0, 30);
    assertThat(line)
        .startsWith("\rtrain det 40/100 ( 40%) loss 0.7500 (classifier 0.500 box_reg 0.250)")
        .contains("2.00 it/s 16.0 img/s")
        .contains("ETA 0:30");
  }

  @Test
  void line_withoutImageCountOrTerms_showsIterationsOnly() {
    Progress p = new Progress(null, "train", 0, 10);
    String line = p.line(5, 1.0, Map.of("loss_classifier", 1.0), 0.5, -1);
    assertThat(line).contains("loss 1.0000  0.50 it/s  ETA ?").doesNotContain("img/s").doesNotContain("(classifier");
  }

  @Test
  void update_drawsTheLastIteration_andFinishEndsTheLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "train", 0, 2, 4);
    p.update(2, 0.5, Map.of());
    p.finish();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("train 2/2 (100%) loss 0.5000").contains("img/s").endsWith(System.lineSeparator());
  }

  @Test
  void update_showsTheShareOfTimeSpentWaitingForData() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), "train", 0, 2, 4);
    p.update(2, 0.5, Map.of());
    assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("data wait");
    p.addDataWait(1);
    p.update(2, 0.5, Map.of());
    assertThat(bytes.toString(StandardCharsets.UTF_8)).containsPattern("img/s \\(data wait \\d+%\\)");
  }
}

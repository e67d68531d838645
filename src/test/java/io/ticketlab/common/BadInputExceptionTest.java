package io.ticketlab.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BadInputExceptionTest {
  @Test
  void message_namesFileRecordFieldAndValue() {
    BadInputException e =
        BadInputException.of(Path.of("gt.json"), "annotations[17]", "bbox", "[1, NaN]", "not finite");
    assertThat(e.getMessage()).isEqualTo("gt.json: annotations[17].bbox: bad value [1, NaN]: not finite");
  }

  @Test
  void message_leavesOutWhatIsUnknown() {
    assertThat(BadInputException.of(null, null, "--iou", "box", "expected bbox, segm or keypoints").getMessage())
        .isEqualTo("--iou: bad value box: expected bbox, segm or keypoints");
    assertThat(BadInputException.of(Path.of("x.json"), null, null, null, "not JSON").getMessage())
        .isEqualTo("x.json: not JSON");
  }

  @Test
  void longValues_areAbbreviatedToOneLine() {
    String value = "a\n".repeat(200);
    String message = BadInputException.of(null, "r", null, value, "too long").getMessage();
    assertThat(message).doesNotContain("\n").hasSizeLessThan(200);
  }
}

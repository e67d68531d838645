package io.ticketlab.data.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opt-in EXIF orientation against Pillow 9.4's {@code ImageOps.exif_transpose(...).convert("RGB")}
 * on every orientation (1–8, invalid 0 and 9, a big-endian block with other tags before the
 * orientation, a PNG {@code eXIf} chunk, no EXIF): the same size and every byte; without the
 * opt-in the image as stored. Fixtures: {@code src/test/python/make_exif_fixtures.py}.
 */
class ExifOrientationTest {
  @TempDir Path tmp;

  @TestFactory
  List<DynamicTest> everyOrientation_equalsPillowsExifTranspose() throws Exception {
    JsonNode fixture;
    try (InputStream in = ExifOrientationTest.class.getResourceAsStream("/images/exif/cases.json")) {
      fixture = new ObjectMapper().readTree(in);
    }
    assertThat(fixture.path("pillow").asText()).isEqualTo("9.4.0");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : fixture.path("cases")) {
      tests.add(DynamicTest.dynamicTest(c.path("file").asText(), () -> {
        Path file = tmp.resolve(c.path("file").asText());
        try (InputStream in = ExifOrientationTest.class.getResourceAsStream("/images/exif/" + file.getFileName())) {
          Files.write(file, in.readAllBytes());
        }
        int expected = c.path("orientation").isNull() ? 1 : c.path("orientation").asInt();
        assertThat(ExifOrientation.read(file)).isEqualTo(expected);
        DecodedImage turned = ImageDecoder.decode(file, null, true);
        assertThat(new int[] {turned.width(), turned.height()})
            .containsExactly(c.path("size").get(0).asInt(), c.path("size").get(1).asInt());
        assertThat(HexFormat.of().formatHex(turned.rgb())).isEqualTo(c.path("rgb").asText());
        DecodedImage stored = ImageDecoder.decode(file, null, false);
        assertThat(new int[] {stored.width(), stored.height()})
            .containsExactly(c.path("stored").get(0).asInt(), c.path("stored").get(1).asInt());
        assertThat(stored.rgb()).isEqualTo(ImageDecoder.decode(file).rgb());
      }));
    }
    assertThat(tests).hasSize(13);
    return tests;
  }

  @Test
  void damagedExifBlocks_leaveTheImageAsStored() throws Exception {
    byte[] jpeg;
    try (InputStream in = ExifOrientationTest.class.getResourceAsStream("/images/exif/orientation_6.jpg")) {
      jpeg = in.readAllBytes();
    }
    assertThat(ExifOrientation.read(write("whole.jpg", jpeg))).isEqualTo(6);
    int exif = indexOf(jpeg, "Exif".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThat(exif).isPositive();
    // a TIFF header with a bad byte order, an IFD offset past the segment, and every byte cut short
    byte[] badOrder = jpeg.clone();
    badOrder[exif + 6] = 'X';
    assertThat(ExifOrientation.read(write("order.jpg", badOrder))).isEqualTo(1);
    byte[] farIfd = jpeg.clone();
    farIfd[exif + 6 + 7] = 0x7f;
    assertThat(ExifOrientation.read(write("far.jpg", farIfd))).isEqualTo(1);
    for (int n = 0; n < exif + 40; n++) {
      int o = ExifOrientation.read(write("cut.jpg", java.util.Arrays.copyOf(jpeg, n)));
      assertThat(o).as("cut at %d", n).isIn(1, 6);
    }
    // not an image at all
    assertThat(ExifOrientation.read(write("text.jpg", "hello".getBytes()))).isEqualTo(1);
  }

  private Path write(String name, byte[] bytes) throws Exception {
    return Files.write(tmp.resolve(name), bytes);
  }

  private static int indexOf(byte[] b, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= b.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

package io.ticketlab.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder against PIL 9.4's {@code Image.open(f).convert("RGB")} on the fixtures of {@code
 * make_image_fixtures.py}: every mode of JPEG, PNG, BMP and GIF decodes to PIL's pixels exactly
 * (measured: 0 differing values in all 31 files, including baseline/progressive 4:2:0, 4:2:2,
 * 4:4:4 JPEGs, grayscale JPEGs and CMYK/YCCK JPEGs).
 */
class ImageDecoderTest {
  @TempDir Path dir;

  static Stream<Arguments> fixtures() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode e : ImageFixtures.manifest().get("decoded")) {
      out.add(Arguments.of(e.get("file").asText(), e.get("pilMode").asText(),
          e.get("width").asInt(), e.get("height").asInt(), e.get("sha256").asText()));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} (PIL mode {1})")
  @MethodSource("fixtures")
  void decode_equalsPilConvertRgb_exactly(String file, String mode, int w, int h, String sha256) {
    DecodedImage pil = ImageFixtures.pil(file + ".rgb.gz", w, h);
    assertThat(sha256(pil.rgb())).as("fixture integrity").isEqualTo(sha256);

    DecodedImage ours = ImageDecoder.decode(ImageFixtures.dir().resolve(file));

    assertThat(ours.width()).isEqualTo(w);
    assertThat(ours.height()).isEqualTo(h);
    int[] d = ImageFixtures.difference(ours, pil);
    assertThat(d).as("max |difference| and differing values of %s", file).containsExactly(0, 0);
  }

  @Test
  void fixtures_coverEveryModeAndFormat() {
    List<String> modes = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (JsonNode e : ImageFixtures.manifest().get("decoded")) {
      modes.add(e.get("pilMode").asText());
      files.add(e.get("file").asText());
    }
    assertThat(modes).contains("L", "LA", "RGB", "RGBA", "P", "1", "I", "CMYK");
    assertThat(files).contains("rgb_progressive.jpg", "gray_progressive.jpg", "ycck.jpg",
        "palette_trns.png", "palette_trns.gif", "gray16.png", "rgb.bmp", "bilevel.bmp");
  }

  @Test
  void grayJpeg_isNotGammaConverted() {
    DecodedImage gray = ImageDecoder.decode(ImageFixtures.dir().resolve("gray.jpg"));
    for (int i = 0; i < gray.rgb().length; i += 3) {
      assertThat(gray.rgb()[i]).isEqualTo(gray.rgb()[i + 1]).isEqualTo(gray.rgb()[i + 2]);
    }
    DecodedImage pil = ImageFixtures.pil("gray.jpg.rgb.gz", gray.width(), gray.height());
    assertThat(mean(gray)).isEqualTo(mean(pil));
  }

  @Test
  void sixteenBitGray_clipsAt255_asPil9() {
    DecodedImage img = ImageDecoder.decode(ImageFixtures.dir().resolve("gray16.png"));
    long white = 0;
    for (byte b : img.rgb()) {
      if ((b & 0xFF) == 255) {
        white++;
      }
    }
    assertThat(white).isGreaterThan(img.rgb().length / 2);
  }

  @Test
  void truncatedJpeg_isBadInputNamingFileAndRecord() throws IOException {
    Path f = truncated("photo_320x240.jpg", 0.5);
    assertThatThrownBy(() -> ImageDecoder.decode(f, "images[3] (id 17)"))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(f + ": images[3] (id 17): ")
        .hasMessageContaining("truncated")
        .hasMessageNotContaining("\n");
  }

  @Test
  void truncatedPngBmpGif_areBadInput() throws IOException {
    for (String name : new String[] {"rgb.png", "palette.png", "rgb.bmp", "palette.gif"}) {
      Path f = truncated(name, 0.6);
      assertThatThrownBy(() -> ImageDecoder.decode(f))
          .as(name)
          .isInstanceOf(BadInputException.class)
          .hasMessageStartingWith(f.toString())
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void garbageAndMissingFiles_areBadInput() throws IOException {
    Path garbage = dir.resolve("notes.jpg");
    Files.writeString(garbage, "not an image at all");
    assertThatThrownBy(() -> ImageDecoder.decode(garbage))
        .isInstanceOf(BadInputException.class)
        .hasMessage(garbage + ": not an image in a supported format (JPEG, PNG, BMP, GIF)");
    Path missing = dir.resolve("missing.png");
    assertThatThrownBy(() -> ImageDecoder.decode(missing, "image 4"))
        .isInstanceOf(BadInputException.class)
        .hasMessage(missing + ": image 4: image file not found");
    Path empty = dir.resolve("empty.png");
    Files.write(empty, new byte[0]);
    assertThatThrownBy(() -> ImageDecoder.decode(empty)).isInstanceOf(BadInputException.class);
  }

  @Test
  void corruptJpegBody_isBadInput() throws IOException {
    byte[] b = Files.readAllBytes(ImageFixtures.dir().resolve("rgb_q90.jpg"));
    byte[] c = Arrays.copyOf(b, b.length);
    for (int i = b.length / 2; i < b.length / 2 + 64; i++) {
      c[i] = (byte) 0xFF;
    }
    Path f = dir.resolve("corrupt.jpg");
    Files.write(f, c);
    assertThatThrownBy(() -> ImageDecoder.decode(f))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(f.toString());
  }

  @Test
  void checkFile_acceptsEveryWholeFixture() {
    for (JsonNode e : ImageFixtures.manifest().get("decoded")) {
      ImageDecoder.checkFile(ImageFixtures.dir().resolve(e.get("file").asText()), "images[0] (id 1)");
    }
  }

  @Test
  void checkFile_refusesAnImageCutShortAfterAValidHeader() throws IOException {
    for (String name : new String[] {"photo_320x240.jpg", "gray_progressive.jpg", "rgb.png", "palette.png", "rgb.bmp",
        "palette.gif"}) {
      for (double fraction : new double[] {0.3, 0.9}) {
        Path f = truncated(name, fraction);
        assertThatThrownBy(() -> ImageDecoder.checkFile(f, "images[2] (id 5)"))
            .as("%s cut at %s", name, fraction)
            .isInstanceOf(BadInputException.class)
            .hasMessageStartingWith(f + ": images[2] (id 5): ")
            .hasMessageNotContaining("\n")
            .hasMessageNotContaining("Exception");
      }
    }
  }

  @Test
  void checkFile_acceptsBytesAfterTheEndMarker() throws IOException {
    for (String name : new String[] {"photo_320x240.jpg", "rgb.png"}) {
      byte[] b = Files.readAllBytes(ImageFixtures.dir().resolve(name));
      Path f = dir.resolve("trailing_" + name);
      Files.write(f, Arrays.copyOf(b, b.length + 200)); // 200 zero bytes after EOI / IEND
      ImageDecoder.checkFile(f, null);
    }
  }

  @Test
  void checkFile_refusesNoImagesAndMissingFiles() throws IOException {
    Path text = dir.resolve("notes.png");
    Files.writeString(text, "not an image at all");
    assertThatThrownBy(() -> ImageDecoder.checkFile(text, "images[0] (id 1)"))
        .isInstanceOf(BadInputException.class)
        .hasMessage(text + ": images[0] (id 1): not a JPEG, PNG, BMP or GIF image");
    Path missing = dir.resolve("missing.jpg");
    assertThatThrownBy(() -> ImageDecoder.checkFile(missing, null))
        .isInstanceOf(BadInputException.class)
        .hasMessage(missing + ": image file not found");
    Path header = dir.resolve("header.png");
    Files.write(header, Arrays.copyOf(Files.readAllBytes(ImageFixtures.dir().resolve("rgb.png")), 8));
    assertThatThrownBy(() -> ImageDecoder.checkFile(header, null)).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(header + ": ");
  }

  private Path truncated(String name, double fraction) throws IOException {
    byte[] b = Files.readAllBytes(ImageFixtures.dir().resolve(name));
    Path f = dir.resolve("truncated_" + name);
    Files.write(f, Arrays.copyOf(b, (int) (b.length * fraction)));
    return f;
  }

  private static double mean(DecodedImage img) {
    double s = 0;
    for (byte b : img.rgb()) {
      s += b & 0xFF;
    }
    return s / img.rgb().length;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

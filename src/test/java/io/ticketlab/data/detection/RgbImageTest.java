package io.ticketlab.data.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RgbImageTest {
  @TempDir Path dir;

  @Test
  void grayPng_isCopiedToThreeChannelsAsStored_likePilConvertRgb() throws IOException {
    BufferedImage gray = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < 8; i++) {
      gray.getRaster().setSample(i % 4, i / 4, 0, 30 * i + 5);
    }
    Path file = dir.resolve("g.png");
    ImageIO.write(gray, "png", file.toFile());
    RgbImage img = RgbImage.read(file);
    assertThat(img.width()).isEqualTo(4);
    assertThat(img.height()).isEqualTo(2);
    for (int i = 0; i < 8; i++) {
      float v = (30 * i + 5) / 255f;
      assertThat(new float[] {img.chw()[i], img.chw()[8 + i], img.chw()[16 + i]})
          .containsExactly(v, v, v);
    }
  }

  @Test
  void rgbaPng_dropsAlphaWithoutBlending() throws IOException {
    BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x00102030);
    argb.setRGB(1, 0, 0x80FF0001);
    Path file = dir.resolve("a.png");
    ImageIO.write(argb, "png", file.toFile());
    float[] chw = RgbImage.read(file).chw();
    assertThat(chw).containsExactly(
        0x10 / 255f, 1f, 0x20 / 255f, 0f, 0x30 / 255f, 1 / 255f);
  }
}

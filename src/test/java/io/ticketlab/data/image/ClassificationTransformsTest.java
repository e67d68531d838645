package io.ticketlab.data.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.data.image.ClassificationTransforms.CropBox;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * torchvision 0.14's {@code Resize + CenterCrop} and {@code resized_crop} on PIL 9.4 images
 * (fixtures of {@code make_image_fixtures.py}), bilinear and bicubic, shrinking and enlarging.
 */
class ClassificationTransformsTest {

  static Stream<Arguments> transforms() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode t : ImageFixtures.manifest().get("transforms")) {
      out.add(Arguments.of(t.get("output").asText(), t));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transforms")
  void transform_equalsTorchvisionOnPil(String name, JsonNode t) {
    DecodedImage src = ImageDecoder.decode(ImageFixtures.dir().resolve(t.get("source").asText()));
    Resample.Filter filter =
        Resample.Filter.valueOf(t.get("interpolation").asText().toUpperCase(Locale.ROOT));
    DecodedImage ours;
    if (t.get("op").asText().equals("resizeCenterCrop")) {
      int crop = t.get("crop").asInt();
      ours = ClassificationTransforms.centerCrop(
          ClassificationTransforms.resize(src, t.get("resize").asInt(), filter), crop, crop);
    } else {
      CropBox box = new CropBox(t.get("top").asInt(), t.get("left").asInt(),
          t.get("cropHeight").asInt(), t.get("cropWidth").asInt());
      ours = ClassificationTransforms.resizedCrop(src, box, t.get("size").asInt(), filter);
    }
    DecodedImage torchvision =
        ImageFixtures.pil(name, t.get("width").asInt(), t.get("height").asInt());
    assertThat(ours.width()).isEqualTo(torchvision.width());
    assertThat(ours.height()).isEqualTo(torchvision.height());
    assertThat(ImageFixtures.difference(ours, torchvision))
        .as("max |difference| and differing values").containsExactly(0, 0);
  }

  @Test
  void resize_keepsAspectWithTorchvisionsTruncation() {
    DecodedImage img = new DecodedImage(320, 240, new byte[320 * 240 * 3]);
    DecodedImage r = ClassificationTransforms.resize(img, 256, Resample.Filter.BILINEAR);
    assertThat(r.width()).isEqualTo(341); // int(256 * 320 / 240) = int(341.33)
    assertThat(r.height()).isEqualTo(256);
    assertThat(ClassificationTransforms.resize(img, 240, Resample.Filter.BILINEAR)).isSameAs(img);
  }

  @Test
  void centerCrop_usesRoundHalfToEven() {
    // ramp value = column + 1; width 7 -> 4: (7 - 4) / 2 = 1.5 -> left 2; width 5 -> 4: 0.5 -> 0
    DecodedImage row = ramp(7, 1);
    assertThat(ClassificationTransforms.centerCrop(row, 1, 4).get(0, 0, 0)).isEqualTo(3);
    assertThat(ClassificationTransforms.centerCrop(ramp(5, 1), 1, 4).get(0, 0, 0)).isEqualTo(1);
    // width 9 -> 4: 2.5 -> left 2 (half to even), not 3
    assertThat(ClassificationTransforms.centerCrop(ramp(9, 1), 1, 4).get(0, 0, 0)).isEqualTo(3);
  }

  @Test
  void centerCrop_padsWithBlackWhenLarger() {
    DecodedImage img = ramp(3, 2);
    DecodedImage c = ClassificationTransforms.centerCrop(img, 4, 6);
    // torchvision pads left (6-3)//2 = 1, top (4-2)//2 = 1
    assertThat(c.get(0, 0, 0)).isZero();
    assertThat(c.get(1, 1, 0)).isEqualTo(img.get(0, 0, 0));
    assertThat(c.get(3, 2, 0)).isEqualTo(img.get(2, 1, 0));
    assertThat(c.get(4, 1, 0)).isZero();
  }

  @Test
  void toTensor_normalizesInFloat32() {
    DecodedImage img = new DecodedImage(1, 1, new byte[] {(byte) 255, 0, (byte) 128});
    float[] t = ClassificationTransforms.toTensor(img);
    assertThat(t[0]).isEqualTo((1f - 0.485f) / 0.229f);
    assertThat(t[1]).isEqualTo((0f - 0.456f) / 0.224f);
    assertThat(t[2]).isEqualTo((128 / 255f - 0.406f) / 0.225f);
  }

  @Property(tries = 200)
  void resizeOfARegion_equalsCropThenResize(
      @ForAll @IntRange(min = 1, max = 90) int width,
      @ForAll @IntRange(min = 1, max = 90) int height,
      @ForAll @IntRange(min = 1, max = 120) int outW,
      @ForAll @IntRange(min = 1, max = 120) int outH,
      @ForAll boolean bicubic,
      @ForAll long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    DecodedImage img = noise(width, height, rng);
    int cw = 1 + rng.nextInt(width);
    int ch = 1 + rng.nextInt(height);
    int left = rng.nextInt(width - cw + 1);
    int top = rng.nextInt(height - ch + 1);
    // an output as large as the region on one axis, sometimes: that axis is not resampled
    int w = rng.nextInt(4) == 0 ? cw : outW;
    int h = rng.nextInt(4) == 0 ? ch : outH;
    Resample.Filter filter = bicubic ? Resample.Filter.BICUBIC : Resample.Filter.BILINEAR;
    DecodedImage inPlace = Resample.resize(img, left, top, cw, ch, w, h, filter);
    DecodedImage copied = Resample.resize(img.crop(left, top, cw, ch), w, h, filter);
    assertThat(inPlace).isEqualTo(copied);
  }

  /**
   * PIL resamples across, then down, through 8-bit levels: so a resize across only, then one down
   * only, is the two-axis resize (which the PIL fixtures check), and each one-axis path is checked by it.
   */
  @Property(tries = 150)
  void oneAxisResizes_composeToTheTwoAxisResize(
      @ForAll @IntRange(min = 1, max = 80) int width,
      @ForAll @IntRange(min = 1, max = 80) int height,
      @ForAll @IntRange(min = 1, max = 100) int outW,
      @ForAll @IntRange(min = 1, max = 100) int outH,
      @ForAll boolean bicubic,
      @ForAll long seed) {
    net.jqwik.api.Assume.that(outW != width && outH != height);
    DecodedImage img = noise(width, height, new SplittableRandom(seed));
    Resample.Filter filter = bicubic ? Resample.Filter.BICUBIC : Resample.Filter.BILINEAR;
    DecodedImage across = Resample.resize(img, outW, height, filter);
    assertThat(Resample.resize(across, outW, outH, filter)).isEqualTo(Resample.resize(img, outW, outH, filter));
  }

  @Property(tries = 100)
  void trainTensor_equalsTrainCropThenToTensor(
      @ForAll @IntRange(min = 1, max = 120) int width,
      @ForAll @IntRange(min = 1, max = 120) int height,
      @ForAll @IntRange(min = 1, max = 40) int size,
      @ForAll long seed) {
    DecodedImage img = noise(width, height, new SplittableRandom(~seed));
    float[] expected = ClassificationTransforms.toTensor(
        ClassificationTransforms.trainCrop(img, size, 0.08, new SplittableRandom(seed)));
    int plane = 3 * size * size;
    float[] out = new float[plane + 5];
    ClassificationTransforms.trainTensor(img, size, 0.08, new SplittableRandom(seed), out, 5);
    assertThat(java.util.Arrays.copyOfRange(out, 5, 5 + plane)).isEqualTo(expected);
  }

  @Test
  void toTensor_everyLevelAndTheFlipAsTorchComputesThem() {
    SplittableRandom rng = new SplittableRandom(3);
    DecodedImage img = noise(37, 11, rng);
    float[] mean = {0.3f, 0.5f, 0.7f};
    float[] std = {0.2f, 0.25f, 0.3f};
    float[] plain = new float[3 * 37 * 11];
    float[] flipped = new float[3 * 37 * 11];
    ClassificationTransforms.toTensor(img, mean, std, false, plain, 0);
    ClassificationTransforms.toTensor(img, mean, std, true, flipped, 0);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 11; y++) {
        for (int x = 0; x < 37; x++) {
          float v = (img.get(x, y, c) / 255f - mean[c]) / std[c];
          assertThat(plain[(c * 11 + y) * 37 + x]).isEqualTo(v);
          assertThat(flipped[(c * 11 + y) * 37 + (36 - x)]).isEqualTo(v);
        }
      }
    }
    for (int v = 0; v < 256; v++) { // every level, through a 1-pixel image
      DecodedImage px = new DecodedImage(1, 1, new byte[] {(byte) v, (byte) v, (byte) v});
      float[] t = ClassificationTransforms.toTensor(px, mean, std);
      for (int c = 0; c < 3; c++) {
        assertThat(t[c]).isEqualTo((v / 255f - mean[c]) / std[c]);
      }
    }
  }

  private static DecodedImage noise(int w, int h, SplittableRandom rng) {
    byte[] px = new byte[3 * w * h];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) rng.nextInt(256);
    }
    return new DecodedImage(w, h, px);
  }

  @Property(tries = 300)
  void randomResizedCropBox_staysInsideWithinRatioAndScale(
      @ForAll @IntRange(min = 1, max = 700) int width,
      @ForAll @IntRange(min = 1, max = 700) int height,
      @ForAll long seed) {
    CropBox b = ClassificationTransforms.randomResizedCropBox(
        width, height, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0, new SplittableRandom(seed));
    assertThat(b.top()).isBetween(0, height - b.height());
    assertThat(b.left()).isBetween(0, width - b.width());
    assertThat(b.width()).isLessThanOrEqualTo(width);
    assertThat(b.height()).isLessThanOrEqualTo(height);
  }

  @Test
  void randomResizedCropBox_fallsBackToClampedCenterCrop() {
    // a 1000x10 strip: no sampled area fits, so the fallback keeps the height and a 4:3 width
    CropBox b = ClassificationTransforms.randomResizedCropBox(
        1000, 10, 0.9, 1.0, 3.0 / 4.0, 4.0 / 3.0, new SplittableRandom(1));
    assertThat(b).isEqualTo(new CropBox(0, (1000 - 13) / 2, 10, 13));
  }

  @Test
  void trainCrop_isDeterministicForASeed() {
    DecodedImage img = ImageDecoder.decode(ImageFixtures.dir().resolve("rgb_q90.jpg"));
    DecodedImage a = ClassificationTransforms.trainCrop(img, 32, new SplittableRandom(7));
    DecodedImage b = ClassificationTransforms.trainCrop(img, 32, new SplittableRandom(7));
    assertThat(a).isEqualTo(b);
    assertThat(a.width()).isEqualTo(32);
  }

  @Test
  void resize_shrinkingAveragesLikeAntialiasing() {
    // alternating black/white columns: PIL's widened bilinear filter averages them to gray,
    // a plain 2-tap bilinear would pick near-black or near-white columns
    byte[] px = new byte[3 * 64];
    for (int x = 0; x < 64; x++) {
      byte v = (byte) (x % 2 == 0 ? 0 : 255);
      px[3 * x] = v;
      px[3 * x + 1] = v;
      px[3 * x + 2] = v;
    }
    DecodedImage out = Resample.resize(new DecodedImage(64, 1, px), 8, 1, Resample.Filter.BILINEAR);
    for (int x = 1; x < 7; x++) {
      assertThat(out.get(x, 0, 0)).isBetween(120, 135);
    }
  }

  private static DecodedImage ramp(int w, int h) {
    byte[] px = new byte[3 * w * h];
    for (int i = 0; i < w * h; i++) {
      px[3 * i] = (byte) (i + 1);
    }
    return new DecodedImage(w, h, px);
  }
}

package io.ticketlab.data.detection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionAugmentTest {
  private static final int[] COCO = {0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15};

  @TempDir Path dir;

  @Test
  void flipTwice_isIdentity_onSynthSamplesWithMasksAndKeypoints() {
    SynthGenerator.write(dir, new SynthOptions(6, 3, 64, SynthOptions.Split.val));
    DetectionDataset ds = DetectionDataset.open(dir.resolve(SynthGenerator.ANNOTATIONS), dir,
        DetectionOptions.evaluation().withMasks().withPersonKeypoints());
    int[] flipInds = ds.keypointFlipIndices();
    for (int i = 0; i < ds.size(); i++) {
      DetectionSample s = ds.sample(i);
      DetectionSample once = DetectionAugment.horizontalFlip(s, flipInds);
      DetectionSample twice = DetectionAugment.horizontalFlip(once, flipInds);
      assertThat(once.image()).isNotEqualTo(s.image());
      assertThat(twice.image()).isEqualTo(s.image());
      assertThat(twice.boxes()).isEqualTo(s.boxes());
      assertThat(twice.masks()).isDeepEqualTo(s.masks());
      // keypoints are not integers: W - (W - x) may differ from x by float32 rounding
      assertThat(twice.keypoints())
          .containsExactly(s.keypoints(), org.assertj.core.api.Assertions.within(1e-4f));
      assertThat(twice.labels()).isEqualTo(s.labels());
    }
  }

  @Test
  void flip_mirrorsBoxesAndPixels() {
    float[] image = new float[3 * 2 * 4];
    for (int i = 0; i < image.length; i++) {
      image[i] = i;
    }
    byte[][] masks = {{1, 1, 0, 0, 0, 0, 0, 1}};
    DetectionSample s = new DetectionSample(7, "a.png", 2, 4, image,
        new float[] {0.5f, 1f, 1.5f, 2f}, new int[] {3}, masks, null, 0);
    DetectionSample f = DetectionAugment.horizontalFlip(s, new int[0]);
    assertThat(f.boxes()).containsExactly(2.5f, 1f, 3.5f, 2f);
    assertThat(f.masks()[0]).containsExactly(0, 0, 1, 1, 1, 0, 0, 0);
    assertThat(java.util.Arrays.copyOf(f.image(), 8)).containsExactly(3, 2, 1, 0, 7, 6, 5, 4);
    assertThat(f.image()[23]).isEqualTo(20f);
    assertThat(s.boxes()).containsExactly(0.5f, 1f, 1.5f, 2f); // the input is untouched
  }

  @Test
  void flip_swapsLeftAndRightKeypoints_mirrorsX_andZeroesUnlabelled() {
    float[] kp = new float[51];
    for (int i = 0; i < 17; i++) {
      kp[3 * i] = i + 1;
      kp[3 * i + 1] = 100 + i;
      kp[3 * i + 2] = 2;
    }
    kp[3 * 4 + 2] = 0; // right_ear unlabelled, with non-zero coordinates
    DetectionSample s = new DetectionSample(1, "a", 1, 20, new float[60],
        new float[] {1, 0, 2, 1}, new int[] {1}, null, kp, 17);
    float[] f = DetectionAugment.horizontalFlip(s, COCO).keypoints();
    assertThat(new float[] {f[0], f[1], f[2]}).containsExactly(19, 100, 2); // nose stays
    assertThat(new float[] {f[3], f[4], f[5]}).containsExactly(17, 102, 2); // left_eye <- right_eye
    assertThat(new float[] {f[6], f[7], f[8]}).containsExactly(18, 101, 2); // right_eye <- left_eye
    assertThat(new float[] {f[9], f[10], f[11]}).containsExactly(0, 0, 0); // left_ear <- right_ear
    assertThat(new float[] {f[12], f[13], f[14]}).containsExactly(16, 103, 2);
    assertThat(new float[] {f[45], f[46], f[47]}).containsExactly(3, 116, 2); // left_ankle <- right_ankle (x 17)
  }

  @Test
  void flipIndices_pairLeftAndRightNames_elseFallBackToCoco() {
    List<String> coco = List.of("nose", "left_eye", "right_eye", "left_ear", "right_ear",
        "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
        "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
        "right_ankle");
    assertThat(DetectionAugment.keypointFlipIndices(coco, 17)).containsExactly(COCO);
    assertThat(DetectionAugment.keypointFlipIndices(List.of(), 17)).containsExactly(COCO);
    assertThat(DetectionAugment.keypointFlipIndices(
            List.of("Right Hand", "head", "Left Hand"), 3)).containsExactly(2, 1, 0);
    assertThat(DetectionAugment.keypointFlipIndices(List.of("a", "b"), 2)).containsExactly(0, 1);
  }

  @Property(tries = 200)
  void flipTwice_isIdentity_forIntegerGeometry(
      @ForAll @IntRange(min = 1, max = 9) int width, @ForAll @IntRange(min = 0, max = 3) int k,
      @ForAll long seed) {
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    float[] image = new float[3 * 2 * width];
    for (int i = 0; i < image.length; i++) {
      image[i] = r.nextInt(256) / 255f;
    }
    float[] boxes = new float[4 * k];
    float[] kp = new float[k * 17 * 3];
    byte[][] masks = new byte[k][2 * width];
    for (int j = 0; j < k; j++) {
      int x1 = r.nextInt(width);
      boxes[4 * j] = x1;
      boxes[4 * j + 1] = 0;
      boxes[4 * j + 2] = x1 + 1 + r.nextInt(width - x1);
      boxes[4 * j + 3] = 2;
      for (int p = 0; p < 17; p++) {
        int v = r.nextInt(3);
        kp[51 * j + 3 * p] = v == 0 ? 0 : r.nextInt(width + 1);
        kp[51 * j + 3 * p + 1] = v == 0 ? 0 : r.nextInt(3);
        kp[51 * j + 3 * p + 2] = v;
      }
      for (int m = 0; m < 2 * width; m++) {
        masks[j][m] = (byte) r.nextInt(2);
      }
    }
    DetectionSample s = new DetectionSample(1, "x", 2, width, image, boxes, new int[k], masks, kp,
        17);
    DetectionSample twice =
        DetectionAugment.horizontalFlip(DetectionAugment.horizontalFlip(s, COCO), COCO);
    assertThat(twice.image()).isEqualTo(image);
    assertThat(twice.boxes()).isEqualTo(boxes);
    assertThat(twice.masks()).isDeepEqualTo(masks);
    assertThat(twice.keypoints()).isEqualTo(kp);
  }

  @Test
  void flip_matchesTorchvisionReference() throws IOException {
    JsonNode root;
    try (InputStream in = getClass().getResourceAsStream("/parity/detection_flip.json")) {
      root = new ObjectMapper().readTree(in);
    }
    // provenance: made by torchvision's own reference flip, not only the script's restatement of it
    assertThat(root.get("flip").asText())
        .as("which flip produced detection_flip.json")
        .startsWith("torchvision references/detection/transforms.py RandomHorizontalFlip");
    assertThat(root.get("flip_reference").asText()).startsWith("pytorch/vision@");
    assertThat(root.get("producer").asText()).contains("torchvision 0.14");
    int[] flipInds = new int[17];
    for (int i = 0; i < 17; i++) {
      flipInds[i] = root.get("flip_inds").get(i).asInt();
    }
    assertThat(flipInds).containsExactly(DetectionAugment.cocoPersonFlipIndices());
    assertThat(root.get("samples")).hasSize(2);
    for (JsonNode n : root.get("samples")) {
      int h = n.get("height").asInt();
      int w = n.get("width").asInt();
      int k = n.get("instances").asInt();
      byte[] m = bytes(n.get("masks"));
      byte[][] masks = new byte[k][];
      for (int j = 0; j < k; j++) {
        masks[j] = java.util.Arrays.copyOfRange(m, j * h * w, (j + 1) * h * w);
      }
      DetectionSample s = new DetectionSample(1, "x", h, w, floats(n.get("image")),
          floats(n.get("boxes")), new int[k], masks, floats(n.get("keypoints")), 17);
      DetectionSample f = DetectionAugment.horizontalFlip(s, flipInds);
      assertThat(f.image()).containsExactly(floats(n.get("flipped_image")));
      assertThat(f.boxes()).containsExactly(floats(n.get("flipped_boxes")));
      assertThat(f.keypoints()).containsExactly(floats(n.get("flipped_keypoints")));
      byte[] fm = bytes(n.get("flipped_masks"));
      for (int j = 0; j < k; j++) {
        assertThat(f.masks()[j]).containsExactly(
            java.util.Arrays.copyOfRange(fm, j * h * w, (j + 1) * h * w));
      }
    }
  }

  private static float[] floats(JsonNode a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) a.get(i).asDouble();
    }
    return out;
  }

  private static byte[] bytes(JsonNode a) {
    byte[] out = new byte[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) a.get(i).asInt();
    }
    return out;
  }
}

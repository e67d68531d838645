package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.backbone.DeterministicFill;
import io.ticketlab.model.io.Safetensors;
import io.ticketlab.model.io.StateDict;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ticketlab classify} against torchvision 0.14 end to end on the image fixtures (every PIL
 * mode, JPEG/PNG/BMP/GIF, 320×240 down to 37×23): PIL decoding, {@code Resize(256) +
 * CenterCrop(224)}, ImageNet normalisation and a ResNet-18 with deterministic weights; the top-5
 * classes are torchvision's and their probabilities equal within 1e-4 (fixture from {@code
 * src/test/python/make_classify_fixtures.py}).
 */
@Tag("engine")
class ClassifyParityTest {
  @TempDir Path dir;

  @Test
  void top5_matchesTorchvisionOnEveryMode() throws IOException, URISyntaxException {
    ObjectMapper json = new ObjectMapper();
    JsonNode expected = read(json, "/images/classify_resnet18.json");
    JsonNode shapes = read(json, "/parity/resnet18_eval.json");
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (int k = 0; k < shapes.get("keys").size(); k++) {
      JsonNode s = shapes.get("shapes").get(k);
      int[] shape = new int[s.size()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = s.get(d).asInt();
      }
      String key = shapes.get("keys").get(k).asText();
      weights.put(key, DeterministicFill.fill(key, shape, k));
    }
    Path file = dir.resolve("resnet18.safetensors");
    Safetensors.write(file, StateDict.ofFloats(weights));
    Path images = dir.resolve("images");
    Files.createDirectories(images);
    Path fixtures = Path.of(getClass().getResource("/images/manifest.json").toURI()).getParent();
    for (JsonNode p : expected.get("predictions")) {
      String name = p.get("image").asText();
      Files.copy(fixtures.resolve(name), images.resolve(name));
    }

    MainTest.Outcome out = MainTest.run(
        "classify", "--weights", file.toString(), "--images", images.toString(), "--json");

    assertThat(out.exitCode()).as(out.err()).isZero();
    Map<String, JsonNode> ours = new HashMap<>();
    for (JsonNode p : json.readTree(out.out()).get("predictions")) {
      ours.put(p.get("image").asText(), p.get("topk"));
    }
    assertThat(ours).hasSize(expected.get("predictions").size());
    for (JsonNode p : expected.get("predictions")) {
      String name = p.get("image").asText();
      JsonNode top = ours.get(name);
      for (int i = 0; i < 5; i++) {
        assertThat(top.get(i).get("class").asInt())
            .as("%s: class %d", name, i).isEqualTo(p.get("classes").get(i).asInt());
        assertThat(top.get(i).get("prob").asDouble())
            .as("%s: probability %d", name, i)
            .isCloseTo(p.get("probabilities").get(i).asDouble(),
                org.assertj.core.data.Offset.offset(1e-4));
      }
    }
  }

  /**
   * {@code --exif-orientation}: a JPEG stored sideways with orientation 6 is classified as the upright
   * picture (a lossless PNG of its turned pixels) is; without the flag, as stored (torchvision's way).
   */
  @Test
  void exifOrientation_classifiesThePictureAsShown() throws Exception {
    Path file = dir.resolve("resnet18.safetensors");
    JsonNode shapes = read(new ObjectMapper(), "/parity/resnet18_eval.json");
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    for (int k = 0; k < shapes.get("keys").size(); k++) {
      JsonNode s = shapes.get("shapes").get(k);
      int[] shape = new int[s.size()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = s.get(d).asInt();
      }
      weights.put(shapes.get("keys").get(k).asText(), DeterministicFill.fill(shapes.get("keys").get(k).asText(), shape, k));
    }
    Safetensors.write(file, StateDict.ofFloats(weights));
    Path sideways = dir.resolve("sideways.jpg");
    try (InputStream in = getClass().getResourceAsStream("/images/exif/orientation_6.jpg")) {
      Files.write(sideways, in.readAllBytes());
    }
    io.ticketlab.data.image.DecodedImage shown = io.ticketlab.data.image.ImageDecoder.decode(sideways, null, true);
    assertThat(shown.width()).isEqualTo(5);
    java.awt.image.BufferedImage upright = new java.awt.image.BufferedImage(shown.width(), shown.height(),
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < shown.height(); y++) {
      for (int x = 0; x < shown.width(); x++) {
        upright.setRGB(x, y, shown.get(x, y, 0) << 16 | shown.get(x, y, 1) << 8 | shown.get(x, y, 2));
      }
    }
    Path png = dir.resolve("upright.png");
    javax.imageio.ImageIO.write(upright, "png", png.toFile());

    String asShown = top5(file, sideways, "--exif-orientation");
    assertThat(asShown).isEqualTo(top5(file, png)).isNotEqualTo(top5(file, sideways));
  }

  private static String top5(Path weights, Path image, String... flags) throws IOException {
    List<String> args = new ArrayList<>(List.of("classify", "--weights", weights.toString(), "--images",
        image.toString(), "--json"));
    args.addAll(List.of(flags));
    MainTest.Outcome out = MainTest.run(args.toArray(String[]::new));
    assertThat(out.exitCode()).as(out.err()).isZero();
    return new ObjectMapper().readTree(out.out()).get("predictions").get(0).get("topk").toString();
  }

  private static JsonNode read(ObjectMapper json, String resource) throws IOException {
    try (InputStream in = ClassifyParityTest.class.getResourceAsStream(resource)) {
      return json.readTree(in);
    }
  }
}

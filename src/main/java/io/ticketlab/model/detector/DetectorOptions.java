package io.ticketlab.model.detector;

import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.model.backbone.ResNetConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * The user-facing choices that define a detector, as {@code ticketlab train detect} and detector
 * lottery configs spell them (task {@code det|seg|kp}, ResNet arch, variant {@code fpn|c4}, widths,
 * image sizes in pixels, trainable ResNet stages, from scratch or not), turned into a {@link
 * DetectorSpec} on torchvision's defaults. One place for this parsing, so the CLI and the configs
 * agree; a bad choice is an {@link InvalidOption} naming the option.
 *
 * @param task det, seg or kp
 * @param arch resnet18, resnet34, resnet50 or resnet101
 * @param variant fpn or c4
 * @param width backbone channel width multiplier
 * @param fpnChannels FPN width
 * @param headWidth box head fc6/fc7 width
 * @param minSize short side(s) in pixels
 * @param maxSize long side cap in pixels
 * @param trainableLayers ResNet stages trained, 0..5
 * @param scratch trainable batch norm and all stages trained (torchvision without pretrained weights)
 */
public record DetectorOptions(
    String task, String arch, String variant, double width, int fpnChannels, int headWidth,
    List<Integer> minSize, int maxSize, int trainableLayers, boolean scratch) {

  /** A bad detector option: {@link #option()} is its name in kebab case ({@code fpn-channels}). */
  public static final class InvalidOption extends IllegalArgumentException {
    private final String option;
    private final transient Object value;

    InvalidOption(String option, Object value, String problem) {
      super(problem);
      this.option = option;
      this.value = value;
    }

    public String option() {
      return option;
    }

    public Object value() {
      return value;
    }
  }

  /** The parsed task. */
  public DetectorSpec.Task parsedTask() {
    try {
      return DetectorSpec.Task.parse(task);
    } catch (IllegalArgumentException e) {
      throw new InvalidOption("task", task, "expected det, seg or kp");
    }
  }

  /**
   * The detector with {@code numClasses} classes without background; null takes 1 for keypoints
   * (person) and the categories of {@code annotations} (a COCO json) otherwise.
   */
  public DetectorSpec spec(Integer numClasses, Path annotations) {
    DetectorSpec.Task t = parsedTask();
    DetectorSpec.Variant v;
    int depth;
    try {
      v = DetectorSpec.Variant.parse(variant);
    } catch (IllegalArgumentException e) {
      throw new InvalidOption("variant", variant, "expected fpn or c4");
    }
    try {
      depth = ResNetConfig.parseArch(arch);
    } catch (IllegalArgumentException e) {
      throw new InvalidOption("arch", arch, e.getMessage());
    }
    int classes;
    if (numClasses != null) {
      classes = numClasses;
    } else if (t == DetectorSpec.Task.KEYPOINTS) {
      classes = 1;
    } else {
      classes = CocoReader.readDataset(annotations).categories().size();
    }
    try {
      DetectorSpec s =
          DetectorSpec.torchvision(t, depth, classes + 1)
              .withVariant(v)
              .withWidths(width, fpnChannels, headWidth)
              .withSizes(minSize, maxSize)
              .withTrainableLayers(trainableLayers);
      return scratch ? s.fromScratch() : s;
    } catch (IllegalArgumentException e) {
      throw new InvalidOption(null, null, e.getMessage());
    }
  }
}

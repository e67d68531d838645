package io.ticketlab.model.backbone;

import java.util.Arrays;
import java.util.Locale;

/**
 * The shape of a {@link ResNet}.
 *
 * @param depth 18, 34, 50 or 101
 * @param widthMultiplier scales every channel count (1.0 = torchvision's); for small test models
 * @param numClasses size of the {@code fc} classifier; 0 for a backbone without one
 * @param frozenBatchNorm FrozenBatchNorm2d (detection) instead of trainable BatchNorm2d
 * @param inputChannels channels of the input images (3 for RGB)
 */
public record ResNetConfig(
    int depth, double widthMultiplier, int numClasses, boolean frozenBatchNorm, int inputChannels) {

  public ResNetConfig {
    if (depth != 18 && depth != 34 && depth != 50 && depth != 101) {
      throw new IllegalArgumentException("Invalid ResNet depth: " + depth + " (18, 34, 50 or 101)");
    }
    if (!(widthMultiplier > 0) || widthMultiplier > 8) {
      throw new IllegalArgumentException("Invalid width multiplier: " + widthMultiplier);
    }
    if (numClasses < 0 || inputChannels < 1) {
      throw new IllegalArgumentException(
          "Invalid numClasses/inputChannels: " + numClasses + "/" + inputChannels);
    }
  }

  /** torchvision's classifier: 1000 ImageNet classes, trainable batch norm. */
  public static ResNetConfig imagenet(int depth) {
    return new ResNetConfig(depth, 1.0, 1000, false, 3);
  }

  /** A detection backbone: no classifier, frozen batch norm. */
  public static ResNetConfig detectionBackbone(int depth, double widthMultiplier) {
    return new ResNetConfig(depth, widthMultiplier, 0, true, 3);
  }

  /** Parses {@code resnet18}, {@code resnet50}, ... (the names torchvision uses). */
  public static int parseArch(String arch) {
    String a = arch.toLowerCase(Locale.ROOT).replace("-", "");
    switch (a) {
      case "resnet18":
        return 18;
      case "resnet34":
        return 34;
      case "resnet50":
        return 50;
      case "resnet101":
        return 101;
      default:
        throw new IllegalArgumentException(
            "Unknown architecture: " + arch + " (resnet18, resnet34, resnet50, resnet101)");
    }
  }

  public boolean bottleneck() {
    return depth >= 50;
  }

  public int expansion() {
    return bottleneck() ? ResNet.Bottleneck.EXPANSION : 1;
  }

  /** Residual blocks per stage. */
  public int[] blocks() {
    switch (depth) {
      case 18:
        return new int[] {2, 2, 2, 2};
      case 34:
      case 50:
        return new int[] {3, 4, 6, 3};
      default:
        return new int[] {3, 4, 23, 3};
    }
  }

  /** Channels of the stem (64 × width). */
  public int stemChannels() {
    return scaled(64);
  }

  /** The "planes" of stage {@code i} (0..3): 64, 128, 256, 512 × width. */
  public int planes(int i) {
    return scaled(64 << i);
  }

  private int scaled(int channels) {
    return Math.max(1, (int) Math.round(channels * widthMultiplier));
  }

  @Override
  public String toString() {
    return "resnet" + depth + (widthMultiplier == 1.0 ? "" : "-w" + widthMultiplier)
        + Arrays.toString(new int[] {numClasses});
  }
}

package io.ticketlab.storage;

import io.ticketlab.common.BadInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builders of the networks of the paper as {@link Architecture}s with torchvision's parameter
 * names: ResNet-18/34/50/101 classifiers (1000 classes), the ResNet-FPN Faster, Mask and
 * Keypoint R-CNN detectors, and the paper's VOC Faster R-CNN C4 ({@code fasterrcnn_resnetN_c4}, the
 * names of {@code Detectors.build(DetectorSpec.paperVoc(N))}).
 *
 * <p>MAC convention: only convolutions, transposed convolutions and linear layers count
 * (batch norm, activations, pooling, RoIAlign, upsampling, anchor decoding and NMS do not). A
 * detector's input is the resized image (e.g. 800x1333), padded as torchvision does to a multiple
 * of 32; the RPN runs on the five FPN levels P2–P6 (P6 by max-pooling P5); the box head and box
 * predictor run on {@code proposals} RoIs (torchvision's eval default: 1000 per image), the mask and
 * keypoint heads on {@code detections} RoIs (torchvision's eval default: 100 per image). The C4
 * model's RPN runs on the stride-16 layer3 map, its box head (layer4) on {@code proposals} 7×7 RoIs.
 */
public final class Architectures {
  /** torchvision's eval defaults. */
  public static final int DEFAULT_PROPOSALS = 1000;

  public static final int DEFAULT_DETECTIONS = 100;

  private static final List<String> NAMES =
      List.of(
          "resnet18", "resnet34", "resnet50", "resnet101",
          "fasterrcnn_resnet18_fpn", "fasterrcnn_resnet50_fpn",
          "maskrcnn_resnet18_fpn", "maskrcnn_resnet50_fpn",
          "keypointrcnn_resnet18_fpn", "keypointrcnn_resnet50_fpn",
          "fasterrcnn_resnet18_c4", "fasterrcnn_resnet50_c4");

  private Architectures() {}

  /** The names {@link #byName} knows. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * An architecture by name for an input of {@code height}×{@code width} pixels; {@code proposals}
   * and {@code detections} matter for the detectors only.
   */
  public static Architecture byName(String name, int height, int width, int proposals, int detections) {
    String n = name.toLowerCase(Locale.ROOT);
    if (!NAMES.contains(n)) {
      throw BadInputException.of(null, null, "--arch", name, "expected one of " + String.join(", ", NAMES));
    }
    if (height <= 0 || width <= 0 || proposals < 0 || detections < 0) {
      throw BadInputException.of(null, null, "--input", height + "x" + width, "sizes must be positive");
    }
    if (n.startsWith("resnet")) {
      return resnet(Integer.parseInt(n.substring("resnet".length())), height, width);
    }
    if (n.endsWith("_c4")) {
      return fasterRcnnC4(Integer.parseInt(n.replaceAll("^[a-z]+_resnet(\\d+)_c4$", "$1")), height, width,
          proposals, VOC_CLASSES, false);
    }
    int depth = Integer.parseInt(n.replaceAll("^[a-z]+_resnet(\\d+)_fpn$", "$1"));
    if (n.startsWith("fasterrcnn")) {
      return fasterRcnnFpn(depth, height, width, proposals);
    }
    if (n.startsWith("maskrcnn")) {
      return maskRcnnFpn(depth, height, width, proposals, detections);
    }
    return keypointRcnnFpn(depth, height, width, proposals, detections);
  }

  /** torchvision's {@code resnetN} classifier (1000 classes) for a 3×height×width input. */
  public static Architecture resnet(int depth, int height, int width) {
    return resnet(depth, height, width, 1.0, 1000);
  }

  /**
   * A ResNet classifier of {@code classes} classes whose channel counts are torchvision's times
   * {@code widthMultiplier}, rounded as {@code model.backbone.ResNetConfig} rounds them (at least 1):
   * the small networks of tests and synthetic runs.
   */
  public static Architecture resnet(int depth, int height, int width, double widthMultiplier, int classes) {
    if (!(widthMultiplier > 0) || classes <= 0) {
      throw BadInputException.of(null, null, "ResNet width multiplier, classes", widthMultiplier + ", " + classes,
          "must be positive");
    }
    Net net = new Net(false);
    Stage[] stages = stages(net, "", depth, 0, 4, 3, height, width, 1, widthMultiplier);
    Stage last = stages[stages.length - 1];
    net.linear("fc", "fc", last.channels, classes, 1, true);
    String name = "resnet" + depth + (widthMultiplier == 1.0 ? "" : "-w" + widthMultiplier)
        + (classes == 1000 ? "" : " (" + classes + " classes)");
    return net.build(name, "3x" + height + "x" + width);
  }

  /** torchvision's {@code fasterrcnn_resnetN_fpn} (91 COCO classes). */
  public static Architecture fasterRcnnFpn(int depth, int height, int width, int proposals) {
    return rcnnFpn(Heads.BOX, depth, 1.0, 256, 1024, 91, 0, false, height, width, proposals, 0);
  }

  /** The heads on top of an FPN detector's box head: none (Faster R-CNN), masks or keypoints. */
  public enum Heads {
    BOX("fasterrcnn"),
    MASK("maskrcnn"),
    KEYPOINT("keypointrcnn");

    private final String prefix;

    Heads(String prefix) {
      this.prefix = prefix;
    }
  }

  /**
   * A ResNet-FPN Faster, Mask or Keypoint R-CNN of any size, as {@code model.detector.Detectors} builds it
   * from a {@code DetectorSpec}: ResNet channels times {@code widthMultiplier}, {@code fpnChannels} FPN
   * outputs (also the RPN's shared conv and the mask head's width; the keypoint head's is twice it), a
   * two-MLP box head of {@code representationSize}, {@code classes} classes with the background, {@code
   * keypoints} keypoints (Keypoint R-CNN), and 2 objectness logits per anchor with {@code softmaxObjectness}
   * (else 1). torchvision's models are widths 1.0, 256 and 1024, 91 classes (2 and 17 keypoints for
   * Keypoint R-CNN).
   */
  public static Architecture rcnnFpn(Heads heads, int depth, double widthMultiplier, int fpnChannels,
      int representationSize, int classes, int keypoints, boolean softmaxObjectness, int height, int width,
      int proposals, int detections) {
    if (!(widthMultiplier > 0) || fpnChannels <= 0 || representationSize <= 0 || classes <= 0
        || (heads == Heads.KEYPOINT && keypoints <= 0)) {
      throw BadInputException.of(null, null, "detector widths, classes, keypoints",
          widthMultiplier + ", " + fpnChannels + ", " + representationSize + ", " + classes + ", " + keypoints,
          "must be positive");
    }
    Net net = detector(depth, widthMultiplier, fpnChannels, representationSize, softmaxObjectness, height, width,
        proposals, classes);
    int size = 14;
    if (heads == Heads.MASK) {
      for (int i = 0; i < 4; i++) {
        net.conv("roi_heads.mask_head." + i + ".0", "mask_head", fpnChannels, fpnChannels, 3, 1, 1, 1, size, size,
            detections, true);
      }
      Layer up = net.convTranspose("roi_heads.mask_predictor.conv5_mask", "mask_predictor", fpnChannels, fpnChannels,
          2, 2, 0, size, size, detections);
      net.conv("roi_heads.mask_predictor.mask_fcn_logits", "mask_predictor", fpnChannels, classes, 1, 1, 0, 1,
          up.outputHeight(), up.outputWidth(), detections, true);
    } else if (heads == Heads.KEYPOINT) {
      int in = fpnChannels;
      for (int i = 0; i < 8; i++) {
        net.conv("roi_heads.keypoint_head." + (2 * i), "keypoint_head", in, 2 * fpnChannels, 3, 1, 1, 1, size, size,
            detections, true);
        in = 2 * fpnChannels;
      }
      net.convTranspose("roi_heads.keypoint_predictor.kps_score_lowres", "keypoint_predictor", in, keypoints, 4, 2, 1,
          size, size, detections);
    }
    boolean standard = widthMultiplier == 1.0 && fpnChannels == 256 && representationSize == 1024
        && classes == (heads == Heads.KEYPOINT ? 2 : 91) && (heads != Heads.KEYPOINT || keypoints == 17)
        && !softmaxObjectness;
    String name = heads.prefix + "_resnet" + depth + "_fpn" + (standard ? "" : String.format(Locale.ROOT,
        " (width %s, FPN %d, box head %d, %d classes%s%s)", widthMultiplier, fpnChannels, representationSize, classes,
        heads == Heads.KEYPOINT ? ", " + keypoints + " keypoints" : "", softmaxObjectness ? ", softmax objectness" : ""));
    return net.build(name, input(height, width, proposals, heads == Heads.BOX ? -1 : detections));
  }

  /** Pascal VOC's 20 classes and the background. */
  public static final int VOC_CLASSES = 21;

  /**
   * The paper's VOC Faster R-CNN C4 ({@code Detectors.build(DetectorSpec.paperVoc(depth))}):
   * stem..layer3 as {@code backbone.body}, an RPN with a 512-wide shared conv and 9 anchors, layer4
   * as {@code roi_heads.box_head.layer4} on 7×7 RoIs, a box predictor of {@code classes}. With
   * {@code softmaxObjectness} the RPN scores anchors with 2 logits (18 outputs, the paper code's)
   * instead of TicketLab's default single sigmoid logit.
   */
  public static Architecture fasterRcnnC4(
      int depth, int height, int width, int proposals, int classes, boolean softmaxObjectness) {
    return fasterRcnnC4(depth, 1.0, height, width, proposals, classes, softmaxObjectness);
  }

  /**
   * The C4 model with ResNet channels (and the RPN's 512-wide shared conv) times {@code widthMultiplier},
   * rounded as {@code model.detector.Detectors} rounds them.
   */
  public static Architecture fasterRcnnC4(
      int depth, double widthMultiplier, int height, int width, int proposals, int classes, boolean softmaxObjectness) {
    Net net = new Net(true);
    Stage c4 = stages(net, "backbone.body.", depth, 0, 3, 3, pad32(height), pad32(width), 1, widthMultiplier)[2];
    int anchors = 9;
    int hidden = scaled(512, widthMultiplier);
    net.conv("rpn.head.conv.0.0", "rpn", c4.channels, hidden, 3, 1, 1, 1, c4.height, c4.width, 1, true);
    net.conv("rpn.head.cls_logits", "rpn", hidden, softmaxObjectness ? 2 * anchors : anchors, 1, 1, 0, 1,
        c4.height, c4.width, 1, true);
    net.conv("rpn.head.bbox_pred", "rpn", hidden, 4 * anchors, 1, 1, 0, 1, c4.height, c4.width, 1, true);
    Stage top = stages(net, "roi_heads.box_head.", depth, 3, 4, c4.channels, 7, 7, proposals, widthMultiplier)[3];
    net.linear("roi_heads.box_predictor.cls_score", "box_predictor", top.channels, classes, proposals, true);
    net.linear("roi_heads.box_predictor.bbox_pred", "box_predictor", top.channels, 4 * classes, proposals, true);
    String name = "fasterrcnn_resnet" + depth + "_c4" + (widthMultiplier == 1.0 ? "" : "-w" + widthMultiplier)
        + (softmaxObjectness ? " (softmax objectness)" : "");
    return net.build(name, input(height, width, proposals, -1));
  }

  /** torchvision's {@code maskrcnn_resnetN_fpn} (91 COCO classes). */
  public static Architecture maskRcnnFpn(int depth, int height, int width, int proposals, int detections) {
    return rcnnFpn(Heads.MASK, depth, 1.0, 256, 1024, 91, 0, false, height, width, proposals, detections);
  }

  /** torchvision's {@code keypointrcnn_resnetN_fpn} (person + background, 17 keypoints). */
  public static Architecture keypointRcnnFpn(int depth, int height, int width, int proposals, int detections) {
    return rcnnFpn(Heads.KEYPOINT, depth, 1.0, 256, 1024, 2, 17, false, height, width, proposals, detections);
  }

  private static String input(int height, int width, int proposals, int detections) {
    return "3x" + height + "x" + width + " (padded " + pad32(height) + "x" + pad32(width) + "), "
        + proposals + " proposals" + (detections >= 0 ? ", " + detections + " detections" : "");
  }

  private static int pad32(int x) {
    return (x + 31) / 32 * 32;
  }

  private static Net detector(int depth, double widthMultiplier, int fpn, int representation,
      boolean softmaxObjectness, int height, int width, int proposals, int classes) {
    Net net = new Net(true);
    Stage[] c = stages(net, "backbone.body.", depth, 0, 4, 3, pad32(height), pad32(width), 1, widthMultiplier);
    int[] levelH = new int[5];
    int[] levelW = new int[5];
    for (int i = 0; i < 4; i++) {
      net.conv("backbone.fpn.inner_blocks." + i + ".0", "fpn", c[i].channels, fpn, 1, 1, 0, 1,
          c[i].height, c[i].width, 1, true);
    }
    for (int i = 0; i < 4; i++) {
      net.conv("backbone.fpn.layer_blocks." + i + ".0", "fpn", fpn, fpn, 3, 1, 1, 1,
          c[i].height, c[i].width, 1, true);
      levelH[i] = c[i].height;
      levelW[i] = c[i].width;
    }
    levelH[4] = (levelH[3] - 1) / 2 + 1; // max pool, kernel 1, stride 2
    levelW[4] = (levelW[3] - 1) / 2 + 1;
    int anchors = 3;
    for (int l = 0; l < 5; l++) {
      net.conv("rpn.head.conv.0.0", "rpn", fpn, fpn, 3, 1, 1, 1, levelH[l], levelW[l], 1, true);
      net.conv("rpn.head.cls_logits", "rpn", fpn, softmaxObjectness ? 2 * anchors : anchors, 1, 1, 0, 1,
          levelH[l], levelW[l], 1, true);
      net.conv("rpn.head.bbox_pred", "rpn", fpn, 4 * anchors, 1, 1, 0, 1, levelH[l], levelW[l], 1, true);
    }
    net.linear("roi_heads.box_head.fc6", "box_head", fpn * 7 * 7, representation, proposals, true);
    net.linear("roi_heads.box_head.fc7", "box_head", representation, representation, proposals, true);
    net.linear("roi_heads.box_predictor.cls_score", "box_predictor", representation, classes, proposals, true);
    net.linear("roi_heads.box_predictor.bbox_pred", "box_predictor", representation, 4 * classes, proposals, true);
    return net;
  }

  private record Stage(int channels, int height, int width) {}

  /**
   * Stages {@code from..to−1} (0 = layer1) of torchvision's ResNet under {@code prefix}, preceded
   * by the stem when {@code from == 0} (then {@code in} is the image channels and {@code height ×
   * width} the image); otherwise {@code in} and {@code height × width} describe the input of stage
   * {@code from}, run {@code instances} times. Returns the outputs by stage index (null outside).
   */
  private static Stage[] stages(Net net, String prefix, int depth, int from, int to, int in, int height,
      int width, long instances) {
    return stages(net, prefix, depth, from, to, in, height, width, instances, 1.0);
  }

  private static int scaled(int channels, double widthMultiplier) {
    return Math.max(1, (int) Math.round(channels * widthMultiplier));
  }

  private static Stage[] stages(Net net, String prefix, int depth, int from, int to, int in, int height,
      int width, long instances, double widthMultiplier) {
    int[] blocks;
    boolean bottleneck;
    switch (depth) {
      case 18 -> { blocks = new int[] {2, 2, 2, 2}; bottleneck = false; }
      case 34 -> { blocks = new int[] {3, 4, 6, 3}; bottleneck = false; }
      case 50 -> { blocks = new int[] {3, 4, 6, 3}; bottleneck = true; }
      case 101 -> { blocks = new int[] {3, 4, 23, 3}; bottleneck = true; }
      case 152 -> { blocks = new int[] {3, 8, 36, 3}; bottleneck = true; }
      default -> throw BadInputException.of(null, null, "ResNet depth", depth, "expected 18, 34, 50, 101 or 152");
    }
    int h = height;
    int w = width;
    if (from == 0) {
      int stemChannels = scaled(64, widthMultiplier);
      Layer stem = net.conv(prefix + "conv1", "stem", in, stemChannels, 7, 2, 3, 1, height, width, instances, false);
      net.batchNorm(prefix + "bn1", stemChannels);
      h = (stem.outputHeight() + 2 - 3) / 2 + 1; // max pool 3x3, stride 2, padding 1
      w = (stem.outputWidth() + 2 - 3) / 2 + 1;
      in = stemChannels;
    }
    int expansion = bottleneck ? 4 : 1;
    Stage[] out = new Stage[4];
    for (int s = from; s < to; s++) {
      int planes = scaled(64 << s, widthMultiplier);
      String group = "layer" + (s + 1);
      for (int b = 0; b < blocks[s]; b++) {
        int stride = b == 0 && s > 0 ? 2 : 1;
        String p = prefix + group + "." + b + ".";
        Layer last;
        if (bottleneck) {
          Layer c1 = net.conv(p + "conv1", group, in, planes, 1, 1, 0, 1, h, w, instances, false);
          net.batchNorm(p + "bn1", planes);
          Layer c2 = net.conv(p + "conv2", group, planes, planes, 3, stride, 1, 1, c1.outputHeight(), c1.outputWidth(),
              instances, false);
          net.batchNorm(p + "bn2", planes);
          last = net.conv(p + "conv3", group, planes, planes * 4, 1, 1, 0, 1, c2.outputHeight(), c2.outputWidth(),
              instances, false);
          net.batchNorm(p + "bn3", planes * 4);
        } else {
          Layer c1 = net.conv(p + "conv1", group, in, planes, 3, stride, 1, 1, h, w, instances, false);
          net.batchNorm(p + "bn1", planes);
          last = net.conv(p + "conv2", group, planes, planes, 3, 1, 1, 1, c1.outputHeight(), c1.outputWidth(),
              instances, false);
          net.batchNorm(p + "bn2", planes);
        }
        if (stride != 1 || in != planes * expansion) {
          net.conv(p + "downsample.0", group, in, planes * expansion, 1, stride, 0, 1, h, w, instances, false);
          net.batchNorm(p + "downsample.1", planes * expansion);
        }
        in = planes * expansion;
        h = last.outputHeight();
        w = last.outputWidth();
      }
      out[s] = new Stage(in, h, w);
    }
    return out;
  }

  /** Collects layers and state-dict shapes in order. */
  private static final class Net {
    private final boolean frozenNorm;
    private final List<Layer> layers = new ArrayList<>();
    private final Map<String, int[]> shapes = new LinkedHashMap<>();
    private long learnable;

    Net(boolean frozenNorm) {
      this.frozenNorm = frozenNorm;
    }

    private void parameter(String name, int[] shape, boolean isLearnable) {
      if (shapes.putIfAbsent(name, shape) == null && isLearnable) {
        long n = 1;
        for (int d : shape) {
          n *= d;
        }
        learnable += n;
      }
    }

    private Layer add(Layer layer, String prefix, boolean bias) {
      layers.add(layer);
      parameter(prefix + ".weight", layer.weightShape(), true);
      if (bias) {
        parameter(prefix + ".bias", new int[] {layer.outChannels()}, true);
      }
      return layer;
    }

    Layer conv(String prefix, String group, int in, int out, int k, int s, int p, int d, int h, int w,
        long instances, boolean bias) {
      return add(Layer.conv(prefix + ".weight", group, in, out, k, s, p, d, 1, h, w, instances), prefix, bias);
    }

    Layer convTranspose(String prefix, String group, int in, int out, int k, int s, int p, int h, int w, long instances) {
      return add(Layer.convTranspose(prefix + ".weight", group, in, out, k, s, p, h, w, instances), prefix, true);
    }

    Layer linear(String prefix, String group, int in, int out, long instances, boolean bias) {
      return add(Layer.linear(prefix + ".weight", group, in, out, instances), prefix, bias);
    }

    void batchNorm(String prefix, int channels) {
      parameter(prefix + ".weight", new int[] {channels}, !frozenNorm);
      parameter(prefix + ".bias", new int[] {channels}, !frozenNorm);
      parameter(prefix + ".running_mean", new int[] {channels}, false);
      parameter(prefix + ".running_var", new int[] {channels}, false);
    }

    Architecture build(String name, String input) {
      return new Architecture(name, input, layers, shapes, learnable);
    }
  }
}

package io.ticketlab.data.image;

import java.util.SplittableRandom;

/**
 * torchvision 0.14's classification transforms on PIL images, in pure Java and with the same
 * integer arithmetic: {@code Resize} (short side, PIL resampling via {@link Resample}), {@code
 * CenterCrop} (offsets {@code int(round((h - ch) / 2.0))}, zero padding when the crop is larger),
 * {@code RandomResizedCrop} (torchvision's sampling of area and log-uniform aspect ratio, then
 * crop + resize), {@code RandomHorizontalFlip}, and {@code ToTensor} + {@code Normalize}.
 *
 * <p>The ImageNet recipes: training {@code RandomResizedCrop(224) + RandomHorizontalFlip()};
 * evaluation {@code Resize(256) + CenterCrop(224)}; both then {@code ToTensor() +
 * Normalize(IMAGENET_MEAN, IMAGENET_STD)}.
 */
public final class ClassificationTransforms {
  /** ImageNet channel means (RGB), as torchvision's pretrained models expect. */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  /** ImageNet channel standard deviations (RGB). */
  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  private ClassificationTransforms() {}

  /**
   * A crop rectangle in pixels, as torchvision's {@code RandomResizedCrop.get_params} returns it.
   *
   * @param top first row
   * @param left first column
   * @param height rows
   * @param width columns
   */
  public record CropBox(int top, int left, int height, int width) {
    public CropBox {
      if (height < 1 || width < 1) {
        throw new IllegalArgumentException("Invalid crop size: " + height + "x" + width);
      }
    }
  }

  /**
   * torchvision's {@code Resize(size)} with an int size: the shorter side becomes {@code size},
   * the longer {@code int(size * long / short)}; an image already of that size is returned as is.
   */
  public static DecodedImage resize(DecodedImage img, int size, Resample.Filter filter) {
    if (size < 1) {
      throw new IllegalArgumentException("Invalid resize: " + size);
    }
    int w = img.width();
    int h = img.height();
    int shortSide = Math.min(w, h);
    int longSide = Math.max(w, h);
    int newLong = (int) ((double) size * longSide / shortSide);
    int nw = w <= h ? size : newLong;
    int nh = w <= h ? newLong : size;
    return nw == w && nh == h ? img : Resample.resize(img, nw, nh, filter);
  }

  /**
   * torchvision's {@code CenterCrop((height, width))}: pads with black when the image is smaller
   * (left/top padding {@code (c - s) / 2}, rounded down), then crops at {@code round((s - c) /
   * 2)} with Python's round-half-to-even.
   */
  public static DecodedImage centerCrop(DecodedImage img, int height, int width) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException("Invalid crop: " + height + "x" + width);
    }
    DecodedImage in = img;
    if (width > in.width() || height > in.height()) {
      int padLeft = width > in.width() ? (width - in.width()) / 2 : 0;
      int padTop = height > in.height() ? (height - in.height()) / 2 : 0;
      int padRight = width > in.width() ? (width - in.width() + 1) / 2 : 0;
      int padBottom = height > in.height() ? (height - in.height() + 1) / 2 : 0;
      in = in.crop(-padLeft, -padTop, in.width() + padLeft + padRight,
          in.height() + padTop + padBottom);
    }
    int top = (int) Math.rint((in.height() - height) / 2.0);
    int left = (int) Math.rint((in.width() - width) / 2.0);
    return in.crop(left, top, width, height);
  }

  /** The evaluation transform {@code Resize(resize) + CenterCrop(crop)}, bilinear. */
  public static DecodedImage evalCrop(DecodedImage img, int resize, int crop) {
    return centerCrop(resize(img, resize, Resample.Filter.BILINEAR), crop, crop);
  }

  /**
   * torchvision's {@code RandomResizedCrop.get_params(img, scale, ratio)}: up to ten tries of an
   * area fraction uniform in {@code scale} and an aspect ratio log-uniform in {@code ratio},
   * sizes rounded half-to-even, the position uniform over the valid offsets; after ten misses a
   * center crop of the whole image clamped to the ratio range. The random numbers come from
   * {@code rng} (torch's generator is not reproduced, the distribution is).
   */
  public static CropBox randomResizedCropBox(
      int width, int height, double scaleLo, double scaleHi, double ratioLo, double ratioHi,
      SplittableRandom rng) {
    double area = (double) width * height;
    double logLo = Math.log(ratioLo);
    double logHi = Math.log(ratioHi);
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = area * (scaleLo + rng.nextDouble() * (scaleHi - scaleLo));
      double ratio = Math.exp(logLo + rng.nextDouble() * (logHi - logLo));
      int w = (int) Math.rint(Math.sqrt(target * ratio));
      int h = (int) Math.rint(Math.sqrt(target / ratio));
      if (0 < w && w <= width && 0 < h && h <= height) {
        int top = rng.nextInt(height - h + 1);
        int left = rng.nextInt(width - w + 1);
        return new CropBox(top, left, h, w);
      }
    }
    double inRatio = (double) width / height;
    int w;
    int h;
    if (inRatio < ratioLo) {
      w = width;
      h = (int) Math.rint(w / ratioLo);
    } else if (inRatio > ratioHi) {
      h = height;
      w = (int) Math.rint(h * ratioHi);
    } else {
      w = width;
      h = height;
    }
    return new CropBox((height - h) / 2, (width - w) / 2, h, w);
  }

  /** torchvision's {@code resized_crop}: PIL crop of {@code box}, then resize to size×size. */
  public static DecodedImage resizedCrop(
      DecodedImage img, CropBox box, int size, Resample.Filter filter) {
    if (box.left() >= 0 && box.top() >= 0 && box.left() + box.width() <= img.width()
        && box.top() + box.height() <= img.height()) {
      return Resample.resize(
          img, box.left(), box.top(), box.width(), box.height(), size, size, filter);
    }
    DecodedImage crop = img.crop(box.left(), box.top(), box.width(), box.height());
    return Resample.resize(crop, size, size, filter);
  }

  /**
   * The ImageNet training transform {@code RandomResizedCrop(size) + RandomHorizontalFlip()}
   * (scale 0.08–1, ratio 3/4–4/3, bilinear, flip with p = 0.5).
   */
  public static DecodedImage trainCrop(DecodedImage img, int size, SplittableRandom rng) {
    return trainCrop(img, size, IMAGENET_SCALE, rng);
  }

  /** The lower bound of {@code RandomResizedCrop}'s area fraction in the ImageNet recipe. */
  public static final double IMAGENET_SCALE = 0.08;

  /**
   * {@code RandomResizedCrop(size, scale=(scaleLo, 1)) + RandomHorizontalFlip()}: the ImageNet
   * transform with another lower bound of the crop's area fraction (small images of whole objects
   * want a milder one than ImageNet's 0.08).
   */
  public static DecodedImage trainCrop(DecodedImage img, int size, double scaleLo, SplittableRandom rng) {
    CropBox box = randomResizedCropBox(
        img.width(), img.height(), scaleLo, 1.0, 3.0 / 4.0, 4.0 / 3.0, rng);
    DecodedImage out = resizedCrop(img, box, size, Resample.Filter.BILINEAR);
    return rng.nextDouble() < 0.5 ? out.flipHorizontal() : out;
  }

  /**
   * {@link #trainCrop(DecodedImage, int, double, SplittableRandom)} then {@link #toTensor} with
   * ImageNet's mean and std, written into {@code out} from {@code offset}: the same values and the
   * same draws from {@code rng}, with the flip folded into the tensor's writes (no mirrored copy).
   */
  public static void trainTensor(DecodedImage img, int size, double scaleLo, SplittableRandom rng,
      float[] out, int offset) {
    CropBox box = randomResizedCropBox(
        img.width(), img.height(), scaleLo, 1.0, 3.0 / 4.0, 4.0 / 3.0, rng);
    DecodedImage crop = resizedCrop(img, box, size, Resample.Filter.BILINEAR);
    toTensor(crop, IMAGENET_MEAN, IMAGENET_STD, rng.nextDouble() < 0.5, out, offset);
  }

  /**
   * {@code ToTensor()} + {@code Normalize(mean, std)}: CHW float32 planes {@code (v / 255 −
   * mean) / std}, computed in float32 as torch does.
   */
  public static float[] toTensor(DecodedImage img, float[] mean, float[] std) {
    float[] out = new float[3 * img.width() * img.height()];
    toTensor(img, mean, std, false, out, 0);
    return out;
  }

  /**
   * {@link #toTensor(DecodedImage, float[], float[])} of {@code img}, mirrored first when {@code
   * flip} ({@code hflip}), written into {@code out} from {@code offset}. Each value is looked up
   * in a table of the 256 levels computed as torch computes them ({@code (v / 255f − mean) / std}
   * in float32), so the values are the same bits.
   */
  public static void toTensor(DecodedImage img, float[] mean, float[] std, boolean flip,
      float[] out, int offset) {
    int w = img.width();
    int h = img.height();
    int plane = w * h;
    byte[] rgb = img.rgb();
    float[] lut = new float[3 * 256];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        lut[c * 256 + v] = (v / 255f - mean[c]) / std[c];
      }
    }
    int r = offset;
    int g = offset + plane;
    int b = offset + 2 * plane;
    for (int y = 0; y < h; y++) {
      int s = 3 * y * w;
      int d = y * w;
      if (flip) {
        for (int x = w - 1; x >= 0; x--, s += 3) {
          out[r + d + x] = lut[rgb[s] & 0xFF];
          out[g + d + x] = lut[256 + (rgb[s + 1] & 0xFF)];
          out[b + d + x] = lut[512 + (rgb[s + 2] & 0xFF)];
        }
      } else {
        for (int x = 0; x < w; x++, s += 3) {
          out[r + d + x] = lut[rgb[s] & 0xFF];
          out[g + d + x] = lut[256 + (rgb[s + 1] & 0xFF)];
          out[b + d + x] = lut[512 + (rgb[s + 2] & 0xFF)];
        }
      }
    }
  }

  /** {@link #toTensor(DecodedImage, float[], float[])} with ImageNet's mean and std. */
  public static float[] toTensor(DecodedImage img) {
    return toTensor(img, IMAGENET_MEAN, IMAGENET_STD);
  }
}

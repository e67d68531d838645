package io.ticketlab.data.synth;

import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The synthetic detection data as a classification set: every object of the synthetic images,
 * cropped around its box (a quarter of the box's side as margin on each side, clamped to the image),
 * resized to {@code size × size} and written in ImageFolder layout, {@code DIR/<category>/<image>_<k>.png} for the image's k-th object (1-based, painting order).
 * A classifier trained on these crops plays ImageNet's part in the demo: it is the source of an
 * "ImageNet" ticket for the detector's backbone. Objects whose visible box is under {@link
 * #MIN_SIDE} pixels on a side are left out (mostly background at that size). The files are
 * byte-identical for the same options.
 */
public final class ShapeCrops {
  /** The smallest box side (pixels) that makes a crop. */
  public static final int MIN_SIDE = 8;

  private ShapeCrops() {}

  /** What {@link #write} wrote. */
  public record Summary(Path dir, int images, int crops) {}

  /**
   * Writes the crops of the synthetic images {@code options} describe under {@code dir} (one
   * folder per category that has crops).
   */
  public static Summary write(Path dir, SynthOptions options, int size) {
    if (size < 8 || size > 1024) {
      throw new BadInputException("crop size " + size + ": must be in [8, 1024] pixels");
    }
    try {
      for (CocoCategory c : SynthGenerator.categories()) {
        AtomicFiles.createFolder(dir.resolve(c.name()));
      }
    } catch (IOException e) {
      throw new BadInputException(dir + ": cannot create the output folder (" + e.getMessage() + ")", e);
    }
    int crops = IntStream.range(0, options.images()).parallel().map(i -> {
      SynthGenerator.SynthImage s = SynthGenerator.image(options, i + 1);
      int n = 0;
      for (int k = 0; k < s.annotations().size(); k++) {
        CocoAnnotation a = s.annotations().get(k);
        double[] b = a.bbox();
        if (b[2] < MIN_SIDE || b[3] < MIN_SIDE) {
          continue;
        }
        int[] rgb = crop(s.rgb(), s.image().width(), s.image().height(), b, size);
        String category = SynthGenerator.categories().get(a.categoryId() - 1).name();
        Path file = dir.resolve(category).resolve(String.format("%06d_%d.png", s.image().id(), k + 1));
        AtomicFiles.writeUnchecked(file, out -> PngEncoder.write(rgb, size, size, out));
        n++;
      }
      return n;
    }).sum();
    // a category without crops would be an empty class folder: leave none behind
    for (CocoCategory c : SynthGenerator.categories()) {
      Path folder = dir.resolve(c.name());
      try (var files = Files.list(folder)) {
        if (files.findAny().isEmpty()) {
          Files.delete(folder);
        }
      } catch (IOException e) {
        throw new BadInputException(folder + ": cannot list (" + e.getMessage() + ")", e);
      }
    }
    return new Summary(dir, options.images(), crops);
  }

  /**
   * The square around box {@code b} (x, y, w, h) with margins, sampled at {@code size × size}
   * pixel centres (nearest neighbour, clamped at the image border).
   */
  static int[] crop(int[] rgb, int width, int height, double[] b, int size) {
    double side = Math.max(b[2], b[3]) * 1.5;
    double cx = b[0] + b[2] / 2;
    double cy = b[1] + b[3] / 2;
    double x0 = cx - side / 2;
    double y0 = cy - side / 2;
    int[] out = new int[size * size];
    for (int y = 0; y < size; y++) {
      int sy = clamp((int) Math.floor(y0 + (y + 0.5) * side / size), height);
      for (int x = 0; x < size; x++) {
        int sx = clamp((int) Math.floor(x0 + (x + 0.5) * side / size), width);
        out[y * size + x] = rgb[sy * width + sx];
      }
    }
    return out;
  }

  private static int clamp(int v, int n) {
    return Math.max(0, Math.min(n - 1, v));
  }

  /** The category folders a crop set of the synthetic data can hold, person first. */
  public static List<String> classes() {
    return SynthGenerator.categories().stream().map(CocoCategory::name).toList();
  }
}

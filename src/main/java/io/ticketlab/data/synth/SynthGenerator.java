package io.ticketlab.data.synth;

import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoWriter;
import io.ticketlab.data.coco.PolygonRasterizer;
import io.ticketlab.data.coco.Rle;
import io.ticketlab.data.coco.Segmentation;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Makes the built-in synthetic COCO dataset: coloured shapes and stick-figure persons on textured
 * backgrounds, written as {@code DIR/annotations.json} (file names relative to {@code DIR}) and
 * {@code DIR/images/000001.png ...}.
 *
 * <ul>
 *   <li>Categories: 1 {@code person} (17 COCO keypoints and skeleton), 2 {@code rectangle}, 3
 *       {@code ellipse}, 4 {@code triangle}, 5 {@code star}.
 *   <li>2–6 objects an image, painted in annotation order: later objects occlude earlier ones, and
 *       no object is left with less than half of its pixels visible. An object that nothing hides
 *       stores the polygons that were drawn; an occluded one stores its visible mask as compressed
 *       RLE. The image pixels of an object are exactly its mask.
 *   <li>{@code bbox} and {@code area} are those of the visible mask (pycocotools' {@code toBbox}
 *       and {@code area}), so COCO's area ranges classify objects by what can be seen. At the
 *       default size 128 the objects' areas span COCO's small (&lt; 32²), medium and large (&gt;
 *       96², about one image in six has one) ranges; at other sizes every length scales by
 *       {@code size/128}.
 *   <li>Keypoints: visibility 2 where the keypoint's pixel belongs to the person's visible mask, 1
 *       where it lies in the image but not on that mask (hidden by a later object, or rarely a
 *       thin-limb rasterisation gap), 0 with x = y = 0 outside the image.
 * </ul>
 *
 * <p>Each image draws from its own random stream (seed, split, index), so images are generated in
 * parallel and the files are byte-identical for the same options.
 */
public final class SynthGenerator {
  public static final int PERSON = 1;
  public static final int RECTANGLE = 2;
  public static final int ELLIPSE = 3;
  public static final int TRIANGLE = 4;
  public static final int STAR = 5;

  /** The name of the annotation file inside the output folder. */
  public static final String ANNOTATIONS = "annotations.json";

  /** The images folder inside the output folder. */
  public static final String IMAGES = "images";

  private static final int MIN_OBJECTS = 2;
  private static final int MAX_OBJECTS = 6;
  private static final int TRIES = 12;

  private SynthGenerator() {}

  /** One generated image: its pixels (row-major {@code 0xRRGGBB}) and annotations (ids 0). */
  public record SynthImage(CocoImage image, int[] rgb, List<CocoAnnotation> annotations) {}

  /** A summary of a written dataset. */
  public record Summary(Path annotations, int images, int objects, int persons) {}

  /** The categories, person first (id 1). */
  public static List<CocoCategory> categories() {
    return List.of(
        new CocoCategory(PERSON, "person", "person", Person.KEYPOINTS, Person.SKELETON),
        new CocoCategory(RECTANGLE, "rectangle", "shape", null, null),
        new CocoCategory(ELLIPSE, "ellipse", "shape", null, null),
        new CocoCategory(TRIANGLE, "triangle", "shape", null, null),
        new CocoCategory(STAR, "star", "shape", null, null));
  }

  /** The file name of image {@code id} relative to the output folder. */
  public static String fileName(long id) {
    return IMAGES + "/" + String.format("%06d.png", id);
  }

  /** Writes the whole dataset under {@code dir}; every file is written atomically. */
  public static Summary write(Path dir, SynthOptions options) {
    Path images = dir.resolve(IMAGES);
    try {
      AtomicFiles.createFolder(images);
    } catch (IOException e) {
      throw new BadInputException(dir + ": cannot create the output folder ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
    if (!Files.isWritable(images)) {
      throw new BadInputException(images + ": not writable");
    }
    List<List<CocoAnnotation>> perImage = IntStream.range(0, options.images()).parallel()
        .mapToObj(i -> {
          SynthImage s = image(options, i + 1);
          AtomicFiles.writeUnchecked(dir.resolve(s.image().fileName()), out -> writePng(s, out));
          return s.annotations();
        })
        .toList();
    CocoDataset dataset = assemble(options, perImage);
    Path json = dir.resolve(ANNOTATIONS);
    try {
      CocoWriter.writeDataset(json, dataset);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + json + ": " + e.getMessage(), e);
    }
    int persons = (int) dataset.annotations().stream().filter(a -> a.categoryId() == PERSON).count();
    return new Summary(json, options.images(), dataset.annotations().size(), persons);
  }

  /** The dataset without pixels (what {@link #write} writes as {@code annotations.json}). */
  public static CocoDataset dataset(SynthOptions options) {
    List<List<CocoAnnotation>> perImage = IntStream.range(0, options.images()).parallel()
        .mapToObj(i -> image(options, i + 1).annotations()).toList();
    return assemble(options, perImage);
  }

  private static CocoDataset assemble(SynthOptions options, List<List<CocoAnnotation>> perImage) {
    List<CocoImage> images = new ArrayList<>();
    List<CocoAnnotation> annotations = new ArrayList<>();
    long nextId = 1;
    for (int i = 0; i < perImage.size(); i++) {
      long id = i + 1;
      images.add(new CocoImage(id, options.size(), options.size(), fileName(id)));
      for (CocoAnnotation a : perImage.get(i)) {
        annotations.add(new CocoAnnotation(nextId++, id, a.categoryId(), a.bbox(), a.area(),
            false, a.segmentation(), a.keypoints(), a.numKeypoints()));
      }
    }
    return new CocoDataset(images, categories(), annotations);
  }

  /** Writes an image as PNG (deterministic bytes for the same pixels). */
  public static void writePng(SynthImage s, OutputStream out) throws IOException {
    PngEncoder.write(s.rgb(), s.image().width(), s.image().height(), out);
  }

  /** Writes any image as PNG without ImageIO's disk cache. */
  public static void writePng(BufferedImage img, OutputStream out) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    ImageWriter writer = writers.next();
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(img);
    } finally {
      writer.dispose();
    }
  }

  /** Generates image {@code id} (1-based) of the dataset that {@code options} describe. */
  public static SynthImage image(SynthOptions options, long id) {
    int size = options.size();
    SplittableRandom rng = new SplittableRandom(
        mix(options.seed() * 0x9E3779B97F4A7C15L + options.split().ordinal() * 0x632BE59BD9B4E019L
            + id));
    double scale = size / (double) SynthOptions.DEFAULT_SIZE;
    double areaScale = scale * scale;
    int n = size * size;
    int[] owner = new int[n];
    java.util.Arrays.fill(owner, -1);
    List<Placed> placed = new ArrayList<>();
    int wanted = MIN_OBJECTS + rng.nextInt(MAX_OBJECTS - MIN_OBJECTS + 1);
    boolean large = rng.nextDouble() < 0.2;
    for (int o = 0; o < wanted; o++) {
      boolean makeLarge = large && o == 0;
      for (int attempt = 0; attempt < TRIES; attempt++) {
        Placed p = propose(rng, size, scale, areaScale, makeLarge, placed.size());
        if (p != null && fits(p, placed, owner)) {
          for (int i = p.lo; i < p.hi; i++) {
            if (p.mask[i] != 0) {
              if (owner[i] >= 0) {
                placed.get(owner[i]).visible--;
              }
              owner[i] = p.index;
            }
          }
          placed.add(p);
          break;
        }
      }
    }
    int[] rgb = background(rng, size);
    List<CocoAnnotation> annotations = new ArrayList<>(placed.size());
    for (Placed p : placed) {
      paint(rng, p, rgb, size);
      annotations.add(annotate(p, owner, size));
    }
    return new SynthImage(new CocoImage(id, size, size, fileName(id)), rgb, annotations);
  }

  /** An object on the canvas: its category, polygons, full mask and visible-pixel count. */
  private static final class Placed {
    final int index;
    final int category;
    final List<double[]> polygons;
    final double[] keypoints;
    final byte[] mask;
    final int area;
    final int minVisible;
    final int lo;
    final int hi;
    int visible;

    Placed(int index, int category, List<double[]> polygons, double[] keypoints, byte[] mask,
        int area, int minVisible, int lo, int hi) {
      this.lo = lo;
      this.hi = hi;
      this.index = index;
      this.category = category;
      this.polygons = polygons;
      this.keypoints = keypoints;
      this.mask = mask;
      this.area = area;
      this.minVisible = minVisible;
      this.visible = area;
    }
  }

  private static Placed propose(SplittableRandom rng, int size, double scale, double areaScale,
      boolean large, int index) {
    int category;
    Shapes.Outline outline;
    if (!large && rng.nextDouble() < 0.25) {
      category = PERSON;
      double height = Math.exp(rng.nextDouble(Math.log(28), Math.log(120))) * scale;
      outline = Shapes.person(rng, height);
    } else {
      category = RECTANGLE + rng.nextInt(4);
      double area;
      if (large) {
        area = rng.nextDouble(10_500, 13_500);
      } else if (rng.nextDouble() < 0.4) {
        area = Math.exp(rng.nextDouble(Math.log(70), Math.log(900)));
      } else {
        area = Math.exp(rng.nextDouble(Math.log(1_150), Math.log(7_000)));
      }
      area *= areaScale;
      outline = switch (category) {
        case RECTANGLE -> Shapes.rectangle(rng, area);
        case ELLIPSE -> Shapes.ellipse(rng, area);
        case TRIANGLE -> Shapes.triangle(rng, area);
        default -> Shapes.star(rng, area);
      };
    }
    // Move the shape into the image (at most a tenth of its box outside), round to 0.01 px.
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (double[] p : outline.polygons()) {
      for (int i = 0; i < p.length; i += 2) {
        minX = Math.min(minX, p[i]);
        maxX = Math.max(maxX, p[i]);
        minY = Math.min(minY, p[i + 1]);
        maxY = Math.max(maxY, p[i + 1]);
      }
    }
    double dx = offset(rng, minX, maxX, size);
    double dy = offset(rng, minY, maxY, size);
    List<double[]> polygons = new ArrayList<>(outline.polygons().size());
    for (double[] p : outline.polygons()) {
      polygons.add(shift(p, dx, dy));
    }
    double[] keypoints = outline.keypoints() == null ? null : shift(outline.keypoints(), dx, dy);
    Rle rle = PolygonRasterizer.rasterize(polygons, size, size);
    int area = (int) rle.area();
    if (area < Math.max(12, 12 * areaScale)) {
      return null;
    }
    int minVisible = Math.max((area + 1) / 2, (int) Math.ceil(12 * areaScale));
    if (large) {
      minVisible = Math.max(minVisible, (int) Math.ceil(96 * 96 * areaScale) + 50);
    }
    // The mask's columns, in column-major indices: every pixel loop runs over these only.
    double[] box = rle.toBbox();
    int lo = (int) box[0] * size;
    int hi = (int) (box[0] + box[2]) * size;
    return new Placed(index, category, polygons, keypoints, rle.decode(), area, minVisible, lo, hi);
  }

  private static double offset(SplittableRandom rng, double min, double max, int size) {
    double extent = max - min;
    double lo = -min - 0.1 * extent;
    double hi = size - max + 0.1 * extent;
    if (hi <= lo) {
      return size / 2.0 - (min + max) / 2;
    }
    return rng.nextDouble(lo, hi);
  }

  private static double[] shift(double[] xy, double dx, double dy) {
    double[] r = new double[xy.length];
    for (int i = 0; i < xy.length; i += 2) {
      r[i] = Math.round((xy[i] + dx) * 100) / 100.0;
      r[i + 1] = Math.round((xy[i + 1] + dy) * 100) / 100.0;
    }
    return r;
  }

  /** Whether placing {@code p} on top leaves every earlier object enough visible pixels. */
  private static boolean fits(Placed p, List<Placed> placed, int[] owner) {
    if (placed.isEmpty()) {
      return true;
    }
    int[] covered = new int[placed.size()];
    for (int i = p.lo; i < p.hi; i++) {
      if (p.mask[i] != 0 && owner[i] >= 0) {
        covered[owner[i]]++;
      }
    }
    for (int j = 0; j < covered.length; j++) {
      Placed q = placed.get(j);
      if (covered[j] > 0 && q.visible - covered[j] < q.minVisible) {
        return false;
      }
    }
    return true;
  }

  private static CocoAnnotation annotate(Placed p, int[] owner, int size) {
    byte[] visible = new byte[owner.length];
    for (int i = p.lo; i < p.hi; i++) {
      if (owner[i] == p.index) {
        visible[i] = 1;
      }
    }
    Rle rle = Rle.encode(visible, size, size);
    Segmentation segmentation = p.visible == p.area
        ? new Segmentation.Polygons(p.polygons)
        : new Segmentation.RunLength(rle, true);
    double[] keypoints = null;
    int labelled = 0;
    if (p.keypoints != null) {
      keypoints = new double[p.keypoints.length / 2 * 3];
      for (int k = 0; k < p.keypoints.length / 2; k++) {
        double x = p.keypoints[2 * k];
        double y = p.keypoints[2 * k + 1];
        int xi = (int) Math.floor(x);
        int yi = (int) Math.floor(y);
        if (xi < 0 || yi < 0 || xi >= size || yi >= size) {
          continue;
        }
        keypoints[3 * k] = x;
        keypoints[3 * k + 1] = y;
        keypoints[3 * k + 2] = owner[xi * size + yi] == p.index ? 2 : 1;
        labelled++;
      }
    }
    return new CocoAnnotation(0, 0, p.category, rle.toBbox(), rle.area(), false, segmentation,
        keypoints, labelled);
  }

  // ---------------------------------------------------------------------------------------------
  // Pixels

  private static int[] background(SplittableRandom rng, int size) {
    float hue = (float) rng.nextDouble();
    int base = hsv(hue, (float) rng.nextDouble(0.1, 0.35), (float) rng.nextDouble(0.35, 0.7));
    int other = shade(base, rng.nextInt(18, 40) * (rng.nextBoolean() ? 1 : -1));
    int pattern = rng.nextInt(3);
    double angle = rng.nextDouble(Math.PI);
    double period = rng.nextDouble(6, 20) * size / 128.0;
    double ca = Math.cos(angle) * 2 * Math.PI / period;
    double sa = Math.sin(angle) * 2 * Math.PI / period;
    int cell = Math.max(2, (int) period);
    double f2 = rng.nextDouble(0.5, 1.5) * 2 * Math.PI / period;
    double phase = rng.nextDouble(2 * Math.PI);
    // sin(a + b) = sin a cos b + cos a sin b: two table look-ups per pixel instead of sines.
    double[] sx = new double[size];
    double[] cx = new double[size];
    double[] sy = new double[size];
    double[] cy = new double[size];
    double[] s2x = new double[size];
    double[] c2x = new double[size];
    double[] s2y = new double[size];
    double[] c2y = new double[size];
    for (int i = 0; i < size; i++) {
      sx[i] = Math.sin(ca * i);
      cx[i] = Math.cos(ca * i);
      sy[i] = Math.sin(sa * i);
      cy[i] = Math.cos(sa * i);
      s2x[i] = Math.sin(-sa * i);
      c2x[i] = Math.cos(-sa * i);
      s2y[i] = Math.sin(f2 * i + phase);
      c2y[i] = Math.cos(f2 * i + phase);
    }
    int[] rgb = new int[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double t = switch (pattern) {
          case 0 -> 0.5 + 0.5 * (sx[x] * cy[y] + cx[x] * sy[y]);
          case 1 -> ((x / cell + y / cell) & 1);
          default -> 0.5 + 0.25 * (sx[x] * cy[y] + cx[x] * sy[y])
              + 0.25 * (s2y[y] * c2x[x] + c2y[y] * s2x[x]);
        };
        rgb[y * size + x] = noisy(rng, mixColor(base, other, t), 10);
      }
    }
    return rgb;
  }

  private static void paint(SplittableRandom rng, Placed p, int[] rgb, int size) {
    int bg = rgb[0];
    int color;
    int tries = 0;
    do {
      color = hsv((float) rng.nextDouble(), (float) rng.nextDouble(0.6, 1), (float) rng.nextDouble(0.55, 1));
    } while (distance(color, bg) < 90 && ++tries < 50);
    byte[] head = null;
    int headColor = color;
    if (p.category == PERSON) {
      head = PolygonRasterizer.rasterize(p.polygons.get(0), size, size).decode();
      headColor = shade(color, distance(color, 0xffffff) > 120 ? 70 : -70);
    }
    for (int i = p.lo; i < p.hi; i++) {
      if (p.mask[i] != 0) {
        int c = head != null && head[i] != 0 ? headColor : color;
        int x = i / size;
        int y = i % size;
        rgb[y * size + x] = noisy(rng, c, 6);
      }
    }
  }

  private static int noisy(SplittableRandom rng, int c, int amplitude) {
    int d = rng.nextInt(-amplitude, amplitude + 1);
    return shade(c, d);
  }

  private static int shade(int c, int d) {
    int r = clamp(((c >> 16) & 255) + d);
    int g = clamp(((c >> 8) & 255) + d);
    int b = clamp((c & 255) + d);
    return (r << 16) | (g << 8) | b;
  }

  private static int mixColor(int a, int b, double t) {
    int r = (int) Math.round(((a >> 16) & 255) * (1 - t) + ((b >> 16) & 255) * t);
    int g = (int) Math.round(((a >> 8) & 255) * (1 - t) + ((b >> 8) & 255) * t);
    int bl = (int) Math.round((a & 255) * (1 - t) + (b & 255) * t);
    return (r << 16) | (g << 8) | bl;
  }

  private static int distance(int a, int b) {
    int dr = ((a >> 16) & 255) - ((b >> 16) & 255);
    int dg = ((a >> 8) & 255) - ((b >> 8) & 255);
    int db = (a & 255) - (b & 255);
    return (int) Math.sqrt(dr * dr + dg * dg + db * db);
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : Math.min(255, v);
  }

  private static int hsv(float h, float s, float v) {
    return java.awt.Color.HSBtoRGB(h, s, v) & 0xffffff;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

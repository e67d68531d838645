package io.ticketlab.data.coco;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.InputFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Reads COCO annotation files (instances, person keypoints) and COCO results files with Jackson's
 * streaming parser: records are decoded one at a time, so even train2017's 450 MB instances file
 * never sits in memory as text or as a JSON tree. Unknown fields are skipped.
 *
 * <p>Every problem is reported as a {@link BadInputException} that names the file, the record
 * (e.g. {@code annotations[17]} or {@code [42]} for a results file), the field and the value:
 * malformed JSON, non-finite or negative box sizes, polygons with fewer than 6 coordinates, RLE
 * counts that do not sum to height·width, keypoint arrays whose length does not fit the category,
 * and (for results read against a ground truth) unknown image or category ids.
 */
public final class CocoReader {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  /** Who is told of every annotation file read from a path ({@link #onRead}); empty but in tests. */
  private static final List<Consumer<Path>> READ_LISTENERS = new CopyOnWriteArrayList<>();

  private CocoReader() {}

  /** A registration of {@link #onRead}; closing it stops the calls. */
  public interface Listening extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Calls {@code listener} with the path of every annotation file {@link #readDataset(Path,
   * Consumer)} reads from now on (before it is parsed), until the returned registration is closed:
   * for tests that count how often a run parses its data, since one parse of train2017's 450 MB
   * instances file costs seconds and gigabytes.
   */
  public static Listening onRead(Consumer<Path> listener) {
    READ_LISTENERS.add(listener);
    return () -> READ_LISTENERS.remove(listener);
  }

  /**
   * Reads a COCO instances or keypoints file and checks what pycocotools leaves unchecked (see
   * {@link #readDataset(InputStream, Path, Consumer)}), refusing the file on the first problem.
   */
  public static CocoDataset readDataset(Path file) {
    return readDataset(file, null);
  }

  /**
   * Reads a COCO instances or keypoints file. With {@code lenient} null, a file is refused
   * when it has no {@code images}, when an image, category or annotation id occurs twice, or when
   * an annotation names an image or category that the file does not list (pycocotools drops such
   * ground truth from the evaluation without a word). With {@code lenient} given, those records
   * are dropped instead (the first of each id is kept) and one message saying how many ground-truth
   * objects were dropped goes to {@code lenient}.
   */
  public static CocoDataset readDataset(Path file, Consumer<String> lenient) {
    READ_LISTENERS.forEach(l -> l.accept(file));
    try (InputStream in = InputFiles.open(file)) {
      return readDataset(in, file, lenient);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a COCO instances or keypoints file from a stream; {@code name} is used in errors. */
  public static CocoDataset readDataset(InputStream in, Path name) {
    return readDataset(in, name, null);
  }

  /** {@link #readDataset(Path, Consumer)} from a stream; {@code name} is used in errors. */
  public static CocoDataset readDataset(InputStream in, Path name, Consumer<String> lenient) {
    Context cx = new Context(name);
    try (JsonParser p = JSON.createParser(in)) {
      cx.parser = p;
      List<CocoImage> images = new ArrayList<>();
      List<CocoCategory> categories = new ArrayList<>();
      List<CocoAnnotation> annotations = new ArrayList<>();
      boolean hasImages = false;
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw cx.bad(null, null, null, "expected a JSON object with images, annotations, categories");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "images" -> {
            hasImages = t != JsonToken.VALUE_NULL;
            readArray(cx, t, "images", i -> images.add(readImage(cx, i)));
          }
          case "categories" -> readArray(cx, t, "categories", i -> categories.add(readCategory(cx, i)));
          case "annotations" ->
              readArray(cx, t, "annotations", i -> annotations.add(readAnnotation(cx, i)));
          default -> p.skipChildren();
        }
      }
      if (!hasImages) {
        throw cx.bad(null, "images", null,
            "missing (a COCO ground-truth file lists its images: \"images\": [{\"id\": ...}])");
      }
      CocoDataset dataset =
          GroundTruthCheck.check(name, images, categories, annotations, lenient);
      checkKeypointLengths(cx, dataset);
      return dataset;
    } catch (JsonProcessingException e) {
      throw cx.malformed(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a COCO results file (a JSON array of detections) without checking its ids. */
  public static List<CocoResult> readResults(Path file) {
    return readResults(file, null);
  }

  /**
   * Reads a COCO results file and checks it against the ground truth: every image and category id
   * must exist there, and keypoint arrays must have 3 values per keypoint of their category.
   */
  public static List<CocoResult> readResults(Path file, CocoDataset groundTruth) {
    try (InputStream in = InputFiles.open(file)) {
      return readResults(in, file, groundTruth);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #readResults(Path, CocoDataset)} from a stream; {@code name} is used in errors. */
  public static List<CocoResult> readResults(InputStream in, Path name, CocoDataset groundTruth) {
    Context cx = new Context(name);
    try (JsonParser p = JSON.createParser(in)) {
      cx.parser = p;
      List<CocoResult> results = new ArrayList<>();
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_ARRAY) {
        throw cx.bad(null, null, null, "expected a JSON array of detections");
      }
      readArray(cx, t, "", i -> results.add(readResult(cx, i)));
      if (p.nextToken() != null) {
        throw cx.bad(null, null, null, "unexpected content after the array of detections");
      }
      if (groundTruth != null) {
        checkResults(name, results, groundTruth);
      }
      return results;
    } catch (JsonProcessingException e) {
      throw cx.malformed(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Checks detections against the ground truth (ids exist, keypoint lengths fit). */
  public static void checkResults(Path file, List<CocoResult> results, CocoDataset groundTruth) {
    for (int i = 0; i < results.size(); i++) {
      CocoResult r = results.get(i);
      if (groundTruth.image(r.imageId()) == null) {
        throw BadInputException.of(
            file, "[" + i + "]", "image_id", r.imageId(), "no image with this id in the ground truth");
      }
      CocoCategory category = groundTruth.category(r.categoryId());
      if (category == null) {
        throw BadInputException.of(
            file, "[" + i + "]", "category_id", r.categoryId(),
            "no category with this id in the ground truth");
      }
      if (r.keypoints() != null && category.hasKeypoints()
          && r.keypoints().length != 3 * category.keypoints().size()) {
        throw BadInputException.of(
            file, "[" + i + "]", "keypoints", "array of " + r.keypoints().length + " numbers",
            "expected 3 x " + category.keypoints().size() + " values for category "
                + category.id());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private interface ElementReader {
    void read(int index) throws IOException;
  }

  /** Where the parser is, for error messages. */
  private static final class Context {
    final Path file;
    JsonParser parser;

    Context(Path file) {
      this.file = file;
    }

    BadInputException bad(String record, String field, Object value, String problem) {
      return BadInputException.of(file, record, field, value, problem);
    }

    BadInputException malformed(JsonProcessingException e) {
      String where = e.getLocation() == null
          ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      return new BadInputException(
          BadInputException.describe(file, null, null, null,
              "malformed JSON" + where + ": " + e.getOriginalMessage()), e);
    }
  }

  private static void readArray(Context cx, JsonToken start, String name, ElementReader element)
      throws IOException {
    JsonParser p = cx.parser;
    if (start == JsonToken.VALUE_NULL) {
      return;
    }
    if (start != JsonToken.START_ARRAY) {
      throw cx.bad(null, name, null, "expected an array");
    }
    int i = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        throw cx.bad(name + "[" + i + "]", null, null, "expected a JSON object");
      }
      element.read(i++);
    }
  }

  private static CocoImage readImage(Context cx, int index) throws IOException {
    JsonParser p = cx.parser;
    String record = "images[" + index + "]";
    Long id = null;
    int width = 0;
    int height = 0;
    String fileName = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "id" -> id = readLong(cx, t, record, field);
        case "width" -> width = (int) readLong(cx, t, record, field);
        case "height" -> height = (int) readLong(cx, t, record, field);
        case "file_name" -> fileName = readText(cx, t, record, field);
        default -> p.skipChildren();
      }
    }
    if (id == null) {
      throw cx.bad(record, "id", null, "missing");
    }
    if (width < 0 || height < 0) {
      throw cx.bad(record, "width/height", width + "x" + height, "negative image size");
    }
    return new CocoImage(id, width, height, fileName);
  }

  private static CocoCategory readCategory(Context cx, int index) throws IOException {
    JsonParser p = cx.parser;
    String record = "categories[" + index + "]";
    Integer id = null;
    String name = null;
    String supercategory = null;
    List<String> keypoints = List.of();
    List<List<Integer>> skeleton = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "id" -> id = (int) readLong(cx, t, record, field);
        case "name" -> name = readText(cx, t, record, field);
        case "supercategory" -> supercategory = readText(cx, t, record, field);
        case "keypoints" -> {
          List<String> names = new ArrayList<>();
          expect(cx, t, JsonToken.START_ARRAY, record, field);
          while (p.nextToken() != JsonToken.END_ARRAY) {
            String keypoint = readText(cx, p.currentToken(), record, field);
            if (keypoint == null) {
              throw cx.bad(record, field, null, "expected keypoint names (strings)");
            }
            names.add(keypoint);
          }
          keypoints = names;
        }
        case "skeleton" -> {
          List<List<Integer>> edges = new ArrayList<>();
          expect(cx, t, JsonToken.START_ARRAY, record, field);
          while (p.nextToken() != JsonToken.END_ARRAY) {
            double[] pair = readNumbers(cx, p.currentToken(), record, field);
            List<Integer> edge = new ArrayList<>();
            for (double v : pair) {
              edge.add((int) v);
            }
            edges.add(edge);
          }
          skeleton = edges;
        }
        default -> p.skipChildren();
      }
    }
    if (id == null) {
      throw cx.bad(record, "id", null, "missing");
    }
    return new CocoCategory(id, name, supercategory, keypoints, skeleton);
  }

  private static CocoAnnotation readAnnotation(Context cx, int index) throws IOException {
    JsonParser p = cx.parser;
    String record = "annotations[" + index + "]";
    Long id = null;
    Long imageId = null;
    Integer categoryId = null;
    double[] bbox = null;
    double area = 0;
    boolean crowd = false;
    Segmentation segmentation = null;
    double[] keypoints = null;
    int numKeypoints = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "id" -> id = readLong(cx, t, record, field);
        case "image_id" -> imageId = readLong(cx, t, record, field);
        case "category_id" -> categoryId = (int) readLong(cx, t, record, field);
        case "bbox" -> bbox = readBox(cx, t, record);
        case "area" -> area = readDouble(cx, t, record, field);
        case "iscrowd" -> crowd = t == JsonToken.VALUE_TRUE
            || (t != JsonToken.VALUE_FALSE && readLong(cx, t, record, field) != 0);
        case "segmentation" -> segmentation = readSegmentation(cx, t, record);
        case "keypoints" -> keypoints = readKeypoints(cx, t, record);
        case "num_keypoints" -> numKeypoints = (int) readLong(cx, t, record, field);
        default -> p.skipChildren();
      }
    }
    if (id == null) {
      throw cx.bad(record, "id", null, "missing");
    }
    if (imageId == null) {
      throw cx.bad(record, "image_id", null, "missing");
    }
    if (categoryId == null) {
      throw cx.bad(record, "category_id", null, "missing");
    }
    return new CocoAnnotation(
        id, imageId, categoryId, bbox, area, crowd, segmentation, keypoints, numKeypoints);
  }

  private static CocoResult readResult(Context cx, int index) throws IOException {
    JsonParser p = cx.parser;
    String record = "[" + index + "]";
    Long imageId = null;
    Integer categoryId = null;
    Double score = null;
    double[] bbox = null;
    Rle mask = null;
    double[] keypoints = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "image_id" -> imageId = readLong(cx, t, record, field);
        case "category_id" -> categoryId = (int) readLong(cx, t, record, field);
        case "score" -> score = readDouble(cx, t, record, field);
        case "bbox" -> bbox = readBox(cx, t, record);
        case "segmentation" -> {
          Segmentation s = readSegmentation(cx, t, record);
          if (s instanceof Segmentation.RunLength r) {
            mask = r.rle();
          } else if (s != null) {
            throw cx.bad(record, "segmentation", "polygons",
                "result masks must be RLE ({\"size\": [h, w], \"counts\": ...})");
          }
        }
        case "keypoints" -> keypoints = readKeypoints(cx, t, record);
        default -> p.skipChildren();
      }
    }
    if (imageId == null) {
      throw cx.bad(record, "image_id", null, "missing");
    }
    if (categoryId == null) {
      throw cx.bad(record, "category_id", null, "missing");
    }
    if (score == null) {
      throw cx.bad(record, "score", null, "missing");
    }
    if (!Double.isFinite(score)) {
      throw cx.bad(record, "score", score, "not a finite number");
    }
    return new CocoResult(imageId, categoryId, score, bbox, mask, keypoints);
  }

  private static double[] readBox(Context cx, JsonToken t, String record) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    double[] box = readNumbers(cx, t, record, "bbox");
    if (box.length == 0) {
      return null; // pycocotools treats [] as "no box"
    }
    if (box.length != 4) {
      throw cx.bad(record, "bbox", Arrays.toString(box), "expected 4 numbers [x, y, w, h]");
    }
    for (double v : box) {
      if (!Double.isFinite(v)) {
        throw cx.bad(record, "bbox", Arrays.toString(box), "not a finite number");
      }
    }
    if (box[2] < 0 || box[3] < 0) {
      throw cx.bad(record, "bbox", Arrays.toString(box), "negative width or height");
    }
    return box;
  }

  private static double[] readKeypoints(Context cx, JsonToken t, String record) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    double[] k = readNumbers(cx, t, record, "keypoints");
    if (k.length % 3 != 0) {
      throw cx.bad(record, "keypoints", "array of " + k.length + " numbers",
          "expected [x, y, v] triplets");
    }
    for (double v : k) {
      if (!Double.isFinite(v)) {
        throw cx.bad(record, "keypoints", Arrays.toString(k), "not a finite number");
      }
    }
    return k;
  }

  private static Segmentation readSegmentation(Context cx, JsonToken t, String record)
      throws IOException {
    JsonParser p = cx.parser;
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.START_ARRAY) {
      List<double[]> polygons = new ArrayList<>();
      JsonToken e;
      while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
        double[] polygon = readNumbers(cx, e, record, "segmentation");
        if (polygon.length < 6 || polygon.length % 2 != 0) {
          throw cx.bad(record, "segmentation", Arrays.toString(polygon),
              "a polygon needs an even number of at least 6 coordinates");
        }
        for (double v : polygon) {
          if (!Double.isFinite(v)) {
            throw cx.bad(record, "segmentation", Arrays.toString(polygon), "not a finite number");
          }
        }
        polygons.add(polygon);
      }
      if (polygons.isEmpty()) {
        return null;
      }
      return new Segmentation.Polygons(polygons);
    }
    if (t != JsonToken.START_OBJECT) {
      throw cx.bad(record, "segmentation", p.getText(), "expected polygons or an RLE object");
    }
    double[] size = null;
    String compressed = null;
    int[] counts = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "size" -> size = readNumbers(cx, v, record, "segmentation.size");
        case "counts" -> {
          if (v == JsonToken.VALUE_STRING) {
            compressed = p.getText();
          } else {
            double[] c = readNumbers(cx, v, record, "segmentation.counts");
            counts = new int[c.length];
            for (int i = 0; i < c.length; i++) {
              if (c[i] < 0 || c[i] != Math.rint(c[i]) || c[i] > 0xffffffffL) {
                throw cx.bad(record, "segmentation.counts", c[i], "not a run length");
              }
              counts[i] = (int) (long) c[i];
            }
          }
        }
        default -> p.skipChildren();
      }
    }
    if (size == null || size.length != 2 || size[0] < 0 || size[1] < 0) {
      throw cx.bad(record, "segmentation.size", size == null ? null : Arrays.toString(size),
          "expected [height, width]");
    }
    int h = (int) size[0];
    int w = (int) size[1];
    Rle rle;
    if (compressed != null) {
      try {
        rle = Rle.fromCompressedString(compressed, h, w);
      } catch (IllegalArgumentException e) {
        throw cx.bad(record, "segmentation.counts", compressed, e.getMessage());
      }
    } else if (counts != null) {
      rle = new Rle(h, w, counts);
    } else {
      throw cx.bad(record, "segmentation.counts", null, "missing");
    }
    long expected = (long) h * w;
    long sum = rle.totalCount();
    if (sum != expected) {
      throw cx.bad(record, "segmentation.counts",
          compressed != null ? compressed : "array of " + rle.counts().length + " runs",
          "RLE counts sum to " + sum + ", not height*width = " + expected);
    }
    return new Segmentation.RunLength(rle, compressed != null);
  }

  private static void checkKeypointLengths(Context cx, CocoDataset dataset) {
    List<CocoAnnotation> annotations = dataset.annotations();
    for (int i = 0; i < annotations.size(); i++) {
      CocoAnnotation a = annotations.get(i);
      if (a.keypoints() == null) {
        continue;
      }
      CocoCategory category = dataset.category(a.categoryId());
      if (category != null && category.hasKeypoints()
          && a.keypoints().length != 3 * category.keypoints().size()) {
        throw cx.bad("annotations[" + i + "]", "keypoints",
            "array of " + a.keypoints().length + " numbers",
            "expected 3 x " + category.keypoints().size() + " values for category " + category.id());
      }
    }
  }

  private static void expect(Context cx, JsonToken t, JsonToken wanted, String record, String field)
      throws IOException {
    if (t != wanted) {
      throw cx.bad(record, field, cx.parser.getText(), "expected " + describe(wanted));
    }
  }

  private static String describe(JsonToken t) {
    return switch (t) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      default -> "a number";
    };
  }

  /** A string (or other scalar, as text) value; null for JSON null; objects and arrays are refused. */
  private static String readText(Context cx, JsonToken t, String record, String field) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == null || t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      throw cx.bad(record, field, t == null ? null : cx.parser.getText(), "expected a string");
    }
    return cx.parser.getText();
  }

  private static long readLong(Context cx, JsonToken t, String record, String field)
      throws IOException {
    JsonParser p = cx.parser;
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = p.getDoubleValue();
      if (d == Math.rint(d)) {
        return (long) d;
      }
    }
    throw cx.bad(record, field, t == null ? null : p.getText(), "expected an integer");
  }

  private static double readDouble(Context cx, JsonToken t, String record, String field)
      throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return cx.parser.getDoubleValue();
    }
    throw cx.bad(record, field, t == null ? null : cx.parser.getText(), "expected a number");
  }

  private static double[] readNumbers(Context cx, JsonToken t, String record, String field)
      throws IOException {
    JsonParser p = cx.parser;
    if (t != JsonToken.START_ARRAY) {
      throw cx.bad(record, field, t == null ? null : p.getText(), "expected an array of numbers");
    }
    double[] values = new double[8];
    int n = 0;
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      double v;
      if (e == JsonToken.VALUE_NUMBER_INT || e == JsonToken.VALUE_NUMBER_FLOAT) {
        v = p.getDoubleValue();
      } else {
        throw cx.bad(record, field, e == null ? null : p.getText(), "expected a number");
      }
      if (n == values.length) {
        values = Arrays.copyOf(values, n * 2);
      }
      values[n++] = v;
    }
    return n == values.length ? values : Arrays.copyOf(values, n);
  }
}

package io.ticketlab.data.coco;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.ticketlab.common.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes COCO annotation and results files, atomically (a reader never sees half a file). Masks
 * are written as they were read: compressed RLE as a string, uncompressed RLE as a list of counts;
 * result masks are always compressed. {@link CocoReader} reads back exactly what was written.
 */
public final class CocoWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private CocoWriter() {}

  /** Writes a COCO instances/keypoints file. */
  public static void writeDataset(Path file, CocoDataset dataset) throws IOException {
    AtomicFiles.write(file, out -> writeDataset(out, dataset));
  }

  /** Writes a COCO instances/keypoints file to a stream (left open). */
  public static void writeDataset(OutputStream out, CocoDataset dataset) throws IOException {
    try (JsonGenerator g = generator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("images");
      for (CocoImage image : dataset.images()) {
        g.writeStartObject();
        g.writeNumberField("id", image.id());
        g.writeNumberField("width", image.width());
        g.writeNumberField("height", image.height());
        if (image.fileName() != null) {
          g.writeStringField("file_name", image.fileName());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("annotations");
      for (CocoAnnotation a : dataset.annotations()) {
        g.writeStartObject();
        g.writeNumberField("id", a.id());
        g.writeNumberField("image_id", a.imageId());
        g.writeNumberField("category_id", a.categoryId());
        if (a.bbox() != null) {
          writeNumbers(g, "bbox", a.bbox());
        }
        g.writeNumberField("area", a.area());
        g.writeNumberField("iscrowd", a.crowd() ? 1 : 0);
        if (a.segmentation() instanceof Segmentation.Polygons polygons) {
          g.writeArrayFieldStart("segmentation");
          for (double[] polygon : polygons.polygons()) {
            g.writeArray(polygon, 0, polygon.length);
          }
          g.writeEndArray();
        } else if (a.segmentation() instanceof Segmentation.RunLength runLength) {
          writeRle(g, runLength.rle(), runLength.compressed());
        }
        if (a.keypoints() != null) {
          writeNumbers(g, "keypoints", a.keypoints());
          g.writeNumberField("num_keypoints", a.numKeypoints());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("categories");
      for (CocoCategory c : dataset.categories()) {
        g.writeStartObject();
        g.writeNumberField("id", c.id());
        g.writeStringField("name", c.name());
        if (c.supercategory() != null) {
          g.writeStringField("supercategory", c.supercategory());
        }
        if (c.hasKeypoints()) {
          g.writeArrayFieldStart("keypoints");
          for (String k : c.keypoints()) {
            g.writeString(k);
          }
          g.writeEndArray();
          g.writeArrayFieldStart("skeleton");
          for (List<Integer> edge : c.skeleton()) {
            g.writeStartArray();
            for (int v : edge) {
              g.writeNumber(v);
            }
            g.writeEndArray();
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  /** Writes a COCO results file (a JSON array of detections). */
  public static void writeResults(Path file, List<CocoResult> results) throws IOException {
    AtomicFiles.write(file, out -> writeResults(out, results));
  }

  /** Writes a COCO results file to a stream (left open). */
  public static void writeResults(OutputStream out, List<CocoResult> results) throws IOException {
    try (JsonGenerator g = generator(out)) {
      g.writeStartArray();
      for (CocoResult r : results) {
        g.writeStartObject();
        g.writeNumberField("image_id", r.imageId());
        g.writeNumberField("category_id", r.categoryId());
        if (r.bbox() != null) {
          writeNumbers(g, "bbox", r.bbox());
        }
        if (r.segmentation() != null) {
          writeRle(g, r.segmentation(), true);
        }
        if (r.keypoints() != null) {
          writeNumbers(g, "keypoints", r.keypoints());
        }
        g.writeNumberField("score", r.score());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
  }

  private static JsonGenerator generator(OutputStream out) throws IOException {
    JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8);
    g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    return g;
  }

  private static void writeNumbers(JsonGenerator g, String field, double[] values)
      throws IOException {
    g.writeFieldName(field);
    g.writeArray(values, 0, values.length);
  }

  private static void writeRle(JsonGenerator g, Rle rle, boolean compressed) throws IOException {
    g.writeObjectFieldStart("segmentation");
    g.writeArrayFieldStart("size");
    g.writeNumber(rle.height());
    g.writeNumber(rle.width());
    g.writeEndArray();
    if (compressed) {
      g.writeStringField("counts", rle.toCompressedString());
    } else {
      g.writeArrayFieldStart("counts");
      for (int c : rle.counts()) {
        g.writeNumber(c & 0xffffffffL);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }
}

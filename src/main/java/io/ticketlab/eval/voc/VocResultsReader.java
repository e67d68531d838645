package io.ticketlab.eval.voc;

import io.ticketlab.common.InputFiles;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.ticketlab.common.BadInputException;
import io.ticketlab.data.voc.VocAnnotation;
import io.ticketlab.data.voc.VocDataset;
import io.ticketlab.data.voc.VocToCoco;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads detections on a VOC split from a COCO-style results file (a JSON array of {@code
 * {"image_id", "category_id", "bbox": [x, y, w, h], "score"}}), as TicketLab's detectors write
 * them. {@code image_id} is either the VOC image id as a string ({@code "000005"}) or the 1-based
 * position in the split (the id {@code data voc2coco} gives); {@code category_id} is the 1-based
 * class index, or a {@code "category"} field holds the class name. Boxes are COCO's, converted with
 * {@link VocToCoco#toVocBox}.
 */
public final class VocResultsReader {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private VocResultsReader() {}

  public static List<VocDetection> read(Path file, VocDataset voc) {
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (VocAnnotation a : voc.images()) {
      ids.add(a.id());
    }
    List<VocDetection> out = new ArrayList<>();
    try (InputStream in = InputFiles.open(file); JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw BadInputException.of(file, null, null, null, "expected a JSON array of detections");
      }
      int index = 0;
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        String record = "[" + index + "]";
        if (t != JsonToken.START_OBJECT) {
          throw BadInputException.of(file, record, null, null, "expected a JSON object");
        }
        String imageId = null;
        String className = null;
        Double score = null;
        double[] bbox = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          switch (field) {
            case "image_id" -> {
              if (v == JsonToken.VALUE_STRING) {
                imageId = p.getText();
              } else if (v == JsonToken.VALUE_NUMBER_INT) {
                long position = p.getLongValue();
                if (position < 1 || position > voc.images().size()) {
                  throw BadInputException.of(file, record, "image_id", position,
                      "no image with this position in split " + voc.split());
                }
                imageId = voc.images().get((int) position - 1).id();
              } else {
                throw BadInputException.of(file, record, "image_id", p.getText(),
                    "expected a VOC image id or a position in the split");
              }
            }
            case "category_id" -> {
              if (v != JsonToken.VALUE_NUMBER_INT) {
                throw BadInputException.of(file, record, field, p.getText(), "expected an integer");
              }
              int c = p.getIntValue();
              if (c < 1 || c > voc.classes().size()) {
                throw BadInputException.of(file, record, field, c,
                    "expected a class index 1.." + voc.classes().size());
              }
              className = voc.classes().get(c - 1);
            }
            case "category" -> {
              className = p.getText();
              if (!voc.classes().contains(className)) {
                throw BadInputException.of(file, record, field, className, "not a class of the split");
              }
            }
            case "score" -> {
              if (!v.isNumeric()) {
                throw BadInputException.of(file, record, field, p.getText(), "expected a number");
              }
              score = p.getDoubleValue();
            }
            case "bbox" -> bbox = readBox(file, record, p, v);
            default -> p.skipChildren();
          }
        }
        if (imageId == null || !ids.contains(imageId)) {
          throw BadInputException.of(file, record, "image_id", imageId,
              imageId == null ? "missing" : "not an image of split " + voc.split());
        }
        if (className == null) {
          throw BadInputException.of(file, record, "category_id", null, "missing");
        }
        if (score == null || !Double.isFinite(score)) {
          throw BadInputException.of(file, record, "score", score, "missing or not finite");
        }
        if (bbox == null) {
          throw BadInputException.of(file, record, "bbox", null, "missing");
        }
        double[] corners = VocToCoco.toVocBox(bbox);
        out.add(new VocDetection(imageId, className, score, corners[0], corners[1], corners[2],
            corners[3]));
        index++;
      }
    } catch (JsonProcessingException e) {
      throw new BadInputException(BadInputException.describe(file, null, null, null,
          "malformed JSON: " + e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static double[] readBox(Path file, String record, JsonParser p, JsonToken t)
      throws IOException {
    if (t != JsonToken.START_ARRAY) {
      throw BadInputException.of(file, record, "bbox", p.getText(), "expected [x, y, w, h]");
    }
    double[] box = new double[4];
    int n = 0;
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      if (!e.isNumeric() || n == 4) {
        throw BadInputException.of(file, record, "bbox", p.getText(), "expected 4 numbers [x, y, w, h]");
      }
      box[n++] = p.getDoubleValue();
    }
    if (n != 4) {
      throw BadInputException.of(file, record, "bbox", Arrays.toString(Arrays.copyOf(box, n)),
          "expected 4 numbers [x, y, w, h]");
    }
    for (double v : box) {
      if (!Double.isFinite(v)) {
        throw BadInputException.of(file, record, "bbox", Arrays.toString(box), "not a finite number");
      }
    }
    if (box[2] < 0 || box[3] < 0) {
      throw BadInputException.of(file, record, "bbox", Arrays.toString(box), "negative width or height");
    }
    return box;
  }
}

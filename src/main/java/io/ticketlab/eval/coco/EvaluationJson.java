package io.ticketlab.eval.coco;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The JSON form of an {@link Evaluation}, as {@code ticketlab eval --json} prints it and run
 * folders store it:
 *
 * <pre>{@code
 * {"iouType": "bbox",
 *  "stats": {"AP": 0.61, "AP50": 0.89, ...},
 *  "perCategory": {"1": {"name": "person", "AP": ..., "AP50": ..., "APs": ..., "APm": ..., "APl": ...}}}
 * }</pre>
 *
 * Values are fractions as pycocotools computes them, -1 where undefined.
 */
public final class EvaluationJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EvaluationJson() {}

  /** The JSON object. */
  public static ObjectNode toJson(Evaluation e) {
    ObjectNode root = JSON.createObjectNode();
    root.put("iouType", e.iouType().cocoName());
    ObjectNode stats = root.putObject("stats");
    for (Map.Entry<String, Double> s : e.stats().entrySet()) {
      stats.put(s.getKey(), s.getValue());
    }
    ObjectNode perCategory = root.putObject("perCategory");
    for (CategoryAp c : e.perCategory()) {
      ObjectNode node = perCategory.putObject(String.valueOf(c.categoryId()));
      node.put("name", c.name());
      node.put("AP", c.ap());
      node.put("AP50", c.ap50());
      node.put("APs", c.apSmall());
      node.put("APm", c.apMedium());
      node.put("APl", c.apLarge());
    }
    return root;
  }

  /** The JSON object as text, pretty-printed or on one line. */
  public static String toString(Evaluation e, boolean pretty) {
    try {
      return pretty
          ? JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(e))
          : JSON.writeValueAsString(toJson(e));
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** A per-category AP table in text, one category per line. */
  public static String perCategoryTable(Evaluation e) {
    StringBuilder sb = new StringBuilder();
    int width = Math.max(8, e.perCategory().stream().mapToInt(c -> c.name().length()).max().orElse(8));
    sb.append(String.format(java.util.Locale.ROOT, "%6s  %-" + width + "s %7s %7s %7s %7s %7s%n",
        "id", "category", "AP", "AP50", "APs", "APm", "APl"));
    for (CategoryAp c : e.perCategory()) {
      sb.append(String.format(java.util.Locale.ROOT,
          "%6d  %-" + width + "s %7.3f %7.3f %7.3f %7.3f %7.3f%n",
          c.categoryId(), c.name(), c.ap(), c.ap50(), c.apSmall(), c.apMedium(), c.apLarge()));
    }
    return sb.toString();
  }
}

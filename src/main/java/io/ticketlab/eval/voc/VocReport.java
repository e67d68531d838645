package io.ticketlab.eval.voc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;

/**
 * Text and JSON forms of VOC results over replicates: per-class AP and mAP as mean ± std.
 * JSON values are fractions; the text table shows percentages.
 */
public final class VocReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private VocReport() {}

  /** {@code {"metric", "replicates", "mAP": {"mean", "std", "values"}, "perClass": {name: {"mean", "std"}}}}. */
  public static String json(VocReplicates r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("metric", r.replicates().get(0).metric() == VocMetric.VOC07 ? "07" : "12");
    root.put("replicates", r.replicates().size());
    ObjectNode map = root.putObject("mAP");
    map.put("mean", r.meanMap());
    map.put("std", r.stdMap());
    ArrayNode values = map.putArray("values");
    r.replicates().forEach(e -> values.add(e.map()));
    ObjectNode perClass = root.putObject("perClass");
    for (Map.Entry<String, Double> e : r.meanPerClass().entrySet()) {
      ObjectNode c = perClass.putObject(e.getKey());
      c.put("mean", e.getValue());
      c.put("std", r.stdPerClass().get(e.getKey()));
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One line per class and a final mAP line, in percent. */
  public static String table(VocReplicates r) {
    StringBuilder sb = new StringBuilder();
    String metric = r.replicates().get(0).metric() == VocMetric.VOC07 ? "VOC07 11-point" : "VOC2010+ all-point";
    sb.append(String.format(Locale.ROOT, "AP (%%) at IoU > 0.5, %s, %d replicate(s)%n", metric,
        r.replicates().size()));
    for (Map.Entry<String, Double> e : r.meanPerClass().entrySet()) {
      sb.append(String.format(Locale.ROOT, "%-14s %6.2f ± %.2f%n", e.getKey(), 100 * e.getValue(),
          100 * r.stdPerClass().get(e.getKey())));
    }
    sb.append(String.format(Locale.ROOT, "%-14s %6.2f ± %.2f%n", "mAP", 100 * r.meanMap(),
        100 * r.stdMap()));
    return sb.toString();
  }
}

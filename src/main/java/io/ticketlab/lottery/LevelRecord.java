package io.ticketlab.lottery;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one finished level (or branch) produced, as {@code level.json} holds it: written by {@link
 * LotteryRunner} and read back by the same class by {@code lottery status}, {@code size} and the
 * report. Folders of TicketLab 0.1 (classification: {@code top1}/{@code top5}, no {@code metrics})
 * read into the same record.
 *
 * @param targetDensity the fraction of the prunable set the schedule keeps at this level
 * @param prunePercent the paper's "prune %": the share of the prunable set that is zero
 * @param networkSparsityPercent the paper's network sparsity: zero parameters over all parameters
 * @param metric the main metric's name ({@code top1}, or {@code bbox/AP} for detectors)
 * @param metrics the final evaluation, main metric first (empty without validation data)
 * @param top1 top-1 accuracy of classifiers (the layout of 0.1 kept), else null
 * @param top5 top-5 accuracy of classifiers, else null
 */
@JsonPropertyOrder({"replicate", "level", "targetDensity", "prunePercent", "networkSparsityPercent", "top1", "top5",
    "metric", "metrics"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LevelRecord(
    int replicate,
    int level,
    double targetDensity,
    double prunePercent,
    double networkSparsityPercent,
    Double top1,
    Double top5,
    String metric,
    Map<String, Double> metrics) {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public LevelRecord {
    metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** A record of a level that reports {@code metricNames} (main first) with {@code metrics}. */
  static LevelRecord of(int replicate, int level, double targetDensity, double prunePercent,
      double networkSparsityPercent, List<String> metricNames, Map<String, Double> metrics) {
    Map<String, Double> ordered = new LinkedHashMap<>();
    for (String n : metricNames) {
      if (metrics.containsKey(n)) {
        ordered.put(n, metrics.get(n));
      }
    }
    metrics.forEach(ordered::putIfAbsent);
    boolean classifier = metricNames.get(0).equals("top1");
    return new LevelRecord(replicate, level, targetDensity, prunePercent, networkSparsityPercent,
        classifier ? ordered.get("top1") : null, classifier ? ordered.get("top5") : null, metricNames.get(0), ordered);
  }

  /** The main metric's value, or null when the level was not evaluated. */
  @JsonIgnore
  public Double mainMetric() {
    return metrics.get(metricName());
  }

  /** The main metric's name. */
  @JsonIgnore
  public String metricName() {
    return metric == null ? "top1" : metric;
  }

  /** Writes {@code file} atomically. */
  void write(Path file) throws IOException {
    AtomicFiles.writeString(file, JSON.writeValueAsString(this) + "\n");
  }

  /** Reads a {@code level.json} (this version's or 0.1's). */
  public static LevelRecord read(Path file) {
    LevelRecord r;
    try {
      r = JSON.readValue(file.toFile(), LevelRecord.class);
    } catch (IOException e) {
      throw BadInputException.of(file, null, null, null, "not a level record: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (r.metric() == null && r.metrics().isEmpty()) { // written before detector tasks: classification only
      Map<String, Double> m = new LinkedHashMap<>();
      if (r.top1() != null) {
        m.put("top1", r.top1());
      }
      if (r.top5() != null) {
        m.put("top5", r.top5());
      }
      r = new LevelRecord(r.replicate(), r.level(), r.targetDensity(), r.prunePercent(), r.networkSparsityPercent(),
          r.top1(), r.top5(), "top1", m);
    }
    return r;
  }
}

package io.ticketlab.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticketlab.analysis.keypoints.KeypointAnalysisResult;
import io.ticketlab.analysis.keypoints.KeypointAnalysisStep;
import io.ticketlab.analysis.keypoints.KeypointError;
import io.ticketlab.analysis.tide.TideErrorType;
import io.ticketlab.analysis.tide.TideResult;
import java.util.List;
import java.util.Locale;

/**
 * The JSON and text tables of {@code ticketlab analyze}: TIDE dAPs on tidecv's 0–100 scale, keypoint
 * APs on coco-analyze's 0–1 scale (mean over OKS .50:.95, area "all").
 */
public final class AnalysisJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AnalysisJson() {}

  /** {@code {"models": [{"label", "AP50", "main", "special", "counts"}]}}. */
  public static String tide(List<String> labels, List<TideResult> results, boolean pretty) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode models = root.putArray("models");
    for (int m = 0; m < results.size(); m++) {
      TideResult r = results.get(m);
      ObjectNode o = models.addObject();
      o.put("label", labels.get(m));
      o.put("AP50", r.ap());
      ObjectNode main = o.putObject("main");
      ObjectNode counts = JSON.createObjectNode();
      for (TideErrorType t : TideErrorType.values()) {
        main.put(t.shortName(), r.dAp(t));
        counts.put(t.shortName(), r.count(t));
      }
      ObjectNode special = o.putObject("special");
      special.put("FalsePos", r.falsePositiveDap());
      special.put("FalseNeg", r.falseNegativeDap());
      o.set("counts", counts);
    }
    return write(root, pretty);
  }

  /** {@code {"models": [{"label", "cumulative", "isolated", "counts"}]}}. */
  public static String keypoints(List<String> labels, List<KeypointAnalysisResult> results,
      boolean pretty) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode models = root.putArray("models");
    for (int m = 0; m < results.size(); m++) {
      KeypointAnalysisResult r = results.get(m);
      ObjectNode o = models.addObject();
      o.put("label", labels.get(m));
      ObjectNode cumulative = o.putObject("cumulative");
      ObjectNode isolated = o.putObject("isolated");
      for (KeypointAnalysisStep s : KeypointAnalysisStep.values()) {
        cumulative.put(s.shortName(), r.cumulativeAp(s, "all"));
        if (s != KeypointAnalysisStep.BASELINE) {
          isolated.put(s.shortName(), r.isolatedAp(s, "all"));
        }
      }
      ObjectNode counts = o.putObject("counts");
      for (KeypointError e : KeypointError.values()) {
        counts.put(e.jsonName(), r.errorCounts().get(e));
      }
    }
    return write(root, pretty);
  }

  /** tidecv-style tables, one block per model. */
  public static String tideTable(List<String> labels, List<TideResult> results) {
    StringBuilder sb = new StringBuilder();
    for (int m = 0; m < results.size(); m++) {
      TideResult r = results.get(m);
      sb.append("-- ").append(labels.get(m)).append(" --\n\n");
      sb.append(String.format(Locale.ROOT, "%s AP @ %d: %.2f",
          r.settings().mode().name().toLowerCase(Locale.ROOT),
          Math.round(r.settings().foregroundThreshold() * 100), r.ap()));
      if (r.apByIoU().length > 0) {
        sb.append(String.format(Locale.ROOT, "   AP @ [50-95]: %.2f", r.apRangeMean()));
      }
      sb.append("\n\n");
      StringBuilder names = new StringBuilder(String.format("%-7s", "Type"));
      StringBuilder daps = new StringBuilder(String.format("%-7s", " dAP"));
      StringBuilder counts = new StringBuilder(String.format("%-7s", " count"));
      for (TideErrorType t : TideErrorType.values()) {
        names.append(String.format(Locale.ROOT, "%8s", t.shortName()));
        daps.append(String.format(Locale.ROOT, "%8.2f", r.dAp(t)));
        counts.append(String.format(Locale.ROOT, "%8d", r.count(t)));
      }
      sb.append("Main errors\n").append(names).append('\n').append(daps).append('\n')
          .append(counts).append("\n\n");
      sb.append("Special errors\n")
          .append(String.format(Locale.ROOT, "%-7s%10s%10s%n", "Type", "FalsePos", "FalseNeg"))
          .append(String.format(Locale.ROOT, "%-7s%10.2f%10.2f%n%n", " dAP",
              r.falsePositiveDap(), r.falseNegativeDap()));
    }
    return sb.toString();
  }

  /** coco-analyze-style tables, one block per model. */
  public static String keypointTable(List<String> labels, List<KeypointAnalysisResult> results) {
    StringBuilder sb = new StringBuilder();
    for (int m = 0; m < results.size(); m++) {
      KeypointAnalysisResult r = results.get(m);
      sb.append("-- ").append(labels.get(m)).append(" --  (AP = mean over OKS .50:.95, area all)\n");
      sb.append(String.format(Locale.ROOT, "%-16s%12s%12s%n", "step", "cumulative", "alone"));
      for (KeypointAnalysisStep s : KeypointAnalysisStep.values()) {
        sb.append(String.format(Locale.ROOT, "%-16s%12.4f", s.toolName(),
            r.cumulativeAp(s, "all")));
        if (s != KeypointAnalysisStep.BASELINE) {
          sb.append(String.format(Locale.ROOT, "%12.4f", r.isolatedAp(s, "all")));
        }
        sb.append('\n');
      }
      sb.append(String.format(Locale.ROOT, "keypoints of %d matched detections (of %d):",
          r.numMatched(), r.numDetections()));
      for (KeypointError e : KeypointError.values()) {
        sb.append(' ').append(e.jsonName()).append(' ').append(r.errorCounts().get(e));
      }
      sb.append("\n\n");
    }
    return sb.toString();
  }

  private static String write(ObjectNode root, boolean pretty) {
    try {
      return pretty
          ? JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root)
          : JSON.writeValueAsString(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.ticketlab.analysis.tide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.analysis.Oracles;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TIDE against tidecv 1.0.1's outputs on the oracle fixtures. */
class TideParityTest {
  private static final double TOL = 1e-6;

  static TideResult run(String set, String mode) {
    CocoDataset gt = CocoReader.readDataset(Oracles.path("fixtures/" + set + "/gt.json"));
    String file = mode.equals("bbox") ? "dt_bbox.json" : "dt_segm.json";
    List<CocoResult> dt = CocoReader.readResults(Oracles.path("fixtures/" + set + "/" + file), gt);
    return Tide.analyze(gt, dt,
        TideSettings.defaults(mode.equals("bbox") ? TideMode.BBOX : TideMode.MASK));
  }

  @ParameterizedTest
  @CsvSource({"small,bbox", "small,mask", "errors,bbox", "errors,mask"})
  void apDapsAndCounts_matchTidecv(String set, String mode) {
    JsonNode expected = Oracles.json("expected/" + set + "/tide_" + mode + ".json");
    TideResult r = run(set, mode);
    assertThat(r.ap()).isCloseTo(expected.get("AP").asDouble(), within(TOL));
    for (TideErrorType t : TideErrorType.values()) {
      assertThat(r.dAp(t)).as("dAP " + t)
          .isCloseTo(expected.get("main").get(t.shortName()).asDouble(), within(TOL));
      assertThat(r.count(t)).as("count " + t)
          .isEqualTo(expected.get("counts").get(t.shortName()).asInt());
    }
    assertThat(r.falsePositiveDap())
        .isCloseTo(expected.get("special").get("FalsePos").asDouble(), within(TOL));
    assertThat(r.falseNegativeDap())
        .isCloseTo(expected.get("special").get("FalseNeg").asDouble(), within(TOL));
    double[] byIoU = r.apByIoU();
    List<String> keys = new ArrayList<>();
    expected.get("APByIoU").fieldNames().forEachRemaining(keys::add);
    assertThat(byIoU).hasSize(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      assertThat(byIoU[i]).as("AP@" + keys.get(i))
          .isCloseTo(expected.get("APByIoU").get(keys.get(i)).asDouble(), within(TOL));
    }
    assertThat(r.apRangeMean()).isCloseTo(expected.get("APRangeMean").asDouble(), within(TOL));
  }

  @ParameterizedTest
  @CsvSource({"small,bbox", "small,mask", "errors,bbox", "errors,mask"})
  void perDetectionErrors_matchTidecv(String set, String mode) {
    JsonNode a = Oracles.json("expected/" + set + "/tide_" + mode + ".json").get("assignments");
    TideResult r = run(set, mode);
    Map<Integer, String> expectedDets = new HashMap<>();
    a.get("dets").fields().forEachRemaining(
        e -> expectedDets.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
    Map<Integer, String> actual = new HashMap<>();
    r.errorsByResultIndex().forEach((k, v) -> actual.put(k, v.shortName()));
    assertThat(actual).isEqualTo(expectedDets);
    List<Long> missed = new ArrayList<>();
    a.get("missedGtIds").forEach(n -> missed.add(n.asLong()));
    assertThat(r.missedGtIds()).containsExactlyInAnyOrderElementsOf(missed);
    List<Integer> ignored = new ArrayList<>();
    a.get("ignoredDets").forEach(n -> ignored.add(n.asInt()));
    assertThat(r.ignoredDetections()).containsExactlyInAnyOrderElementsOf(ignored);
  }
}

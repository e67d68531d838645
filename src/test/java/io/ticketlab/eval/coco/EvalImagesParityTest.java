package io.ticketlab.eval.coco;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoReader;
import io.ticketlab.data.coco.CocoResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-image matching ({@code evalImgs}) equals pycocotools' on the small set, field by field. */
class EvalImagesParityTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({"bbox, dt_bbox.json", "segm, dt_segm.json", "keypoints, dt_kp.json"})
  void evalImgs_equalPycocotools(String iouType, String results) {
    JsonNode expected = OracleFiles.json("expected/small/coco_" + iouType + "_evalimgs.json");
    CocoDataset gt = CocoReader.readDataset(OracleFiles.path("fixtures/small/gt.json"));
    List<CocoResult> dt = CocoReader.readResults(OracleFiles.path("fixtures/small/" + results), gt);
    List<Integer> catIds = new ArrayList<>();
    expected.get("options").get("catIds").forEach(n -> catIds.add(n.asInt()));
    List<ImageEvaluation> actual = CocoEvaluator.evaluateImages(
        gt, dt, EvalParams.defaults(IouType.parse(iouType)).withCategoryIds(catIds));
    JsonNode want = expected.get("evalImgs");
    assertThat(actual).hasSize(want.size());
    for (int i = 0; i < actual.size(); i++) {
      ImageEvaluation e = actual.get(i);
      JsonNode w = want.get(i);
      String where = "evalImgs[" + i + "]";
      assertThat(e.imageId()).as(where).isEqualTo(w.get("image_id").asLong());
      assertThat(e.categoryId()).as(where).isEqualTo(w.get("category_id").asInt());
      assertThat(e.areaRange().min()).as(where).isEqualTo(w.get("aRng").get(0).asDouble());
      assertThat(e.areaRange().max()).as(where).isEqualTo(w.get("aRng").get(1).asDouble());
      assertThat(e.maxDet()).as(where).isEqualTo(w.get("maxDet").asInt());
      assertThat(e.dtIds()).as(where + ".dtIds").containsExactly(longs(w.get("dtIds")));
      assertThat(e.gtIds()).as(where + ".gtIds").containsExactly(longs(w.get("gtIds")));
      assertThat(e.dtScores()).as(where + ".dtScores").containsExactly(doubles(w.get("dtScores")));
      assertThat(e.gtIgnore()).as(where + ".gtIgnore").containsExactly(bools(w.get("gtIgnore")));
      for (int t = 0; t < e.dtMatches().length; t++) {
        assertThat(e.dtMatches()[t]).as(where + ".dtMatches[" + t + "]")
            .containsExactly(longs(w.get("dtMatches").get(t)));
        assertThat(e.gtMatches()[t]).as(where + ".gtMatches[" + t + "]")
            .containsExactly(longs(w.get("gtMatches").get(t)));
        assertThat(e.dtIgnore()[t]).as(where + ".dtIgnore[" + t + "]")
            .containsExactly(bools(w.get("dtIgnore").get(t)));
      }
    }
  }

  private static long[] longs(JsonNode a) {
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asLong();
    }
    return out;
  }

  private static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }

  private static boolean[] bools(JsonNode a) {
    boolean[] out = new boolean[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt() != 0 || a.get(i).asBoolean();
    }
    return out;
  }
}

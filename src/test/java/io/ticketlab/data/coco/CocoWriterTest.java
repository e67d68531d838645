package io.ticketlab.data.coco;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CocoWriterTest {
  @TempDir Path dir;

  @Test
  void dataset_roundTripsThroughWriterAndReader() throws IOException {
    CocoDataset gt = CocoReader.readDataset(MaskApiTest.oracle("fixtures/small/gt.json"));
    Path out = dir.resolve("gt.json");
    CocoWriter.writeDataset(out, gt);
    CocoDataset back = CocoReader.readDataset(out);
    assertThat(back.images()).isEqualTo(gt.images());
    assertThat(back.categories()).isEqualTo(gt.categories());
    assertThat(back.annotations()).hasSameSizeAs(gt.annotations());
    for (int i = 0; i < gt.annotations().size(); i++) {
      CocoAnnotation a = gt.annotations().get(i);
      CocoAnnotation b = back.annotations().get(i);
      assertThat(b.id()).isEqualTo(a.id());
      assertThat(b.bbox()).containsExactly(a.bbox());
      assertThat(b.area()).isEqualTo(a.area());
      assertThat(b.crowd()).isEqualTo(a.crowd());
      assertThat(b.keypoints()).isEqualTo(a.keypoints());
      assertThat(b.numKeypoints()).isEqualTo(a.numKeypoints());
      CocoImage image = gt.image(a.imageId());
      assertThat(b.segmentation().toRle(image.height(), image.width()))
          .isEqualTo(a.segmentation().toRle(image.height(), image.width()));
      assertThat(b.segmentation().getClass()).isEqualTo(a.segmentation().getClass());
    }
  }

  @Test
  void annotationsByImage_keepsFileOrder() {
    CocoDataset gt = CocoReader.readDataset(MaskApiTest.oracle("fixtures/small/gt.json"));
    var byImage = gt.annotationsByImage();
    assertThat(byImage.values().stream().mapToInt(List::size).sum())
        .isEqualTo(gt.annotations().size());
    assertThat(byImage).doesNotContainKey(5L); // image 5 has no annotations
    assertThat(byImage.get(1L)).extracting(CocoAnnotation::id).isSorted();
  }

  @Test
  void results_roundTripThroughWriterAndReader() throws IOException {
    List<CocoResult> results = CocoReader.readResults(MaskApiTest.oracle("fixtures/small/dt_segm.json"));
    Path out = dir.resolve("res.json");
    CocoWriter.writeResults(out, results);
    List<CocoResult> back = CocoReader.readResults(out);
    assertThat(back).hasSameSizeAs(results);
    for (int i = 0; i < results.size(); i++) {
      assertThat(back.get(i).segmentation()).isEqualTo(results.get(i).segmentation());
      assertThat(back.get(i).score()).isEqualTo(results.get(i).score());
      assertThat(back.get(i).imageId()).isEqualTo(results.get(i).imageId());
    }
  }
}

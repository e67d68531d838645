package io.ticketlab.data.voc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoDataset;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class VocToCocoTest {
  static Path root() {
    try {
      return Path.of(VocToCocoTest.class.getResource("/voc/VOC2007").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void convert_mapsIdsBoxesAndDifficultObjects() {
    VocDataset voc = VocReader.readSplit(root(), "test");
    CocoDataset coco = VocToCoco.convert(voc, VocToCoco.Difficult.CROWD);
    assertThat(coco.images()).hasSize(2);
    assertThat(coco.images().get(1).id()).isEqualTo(2);
    assertThat(coco.images().get(1).width()).isEqualTo(120);
    assertThat(coco.categories()).hasSize(20);
    assertThat(coco.category(12).name()).isEqualTo("dog");
    CocoAnnotation dog = coco.annotations().get(0);
    assertThat(dog.bbox()).containsExactly(0, 0, 10, 10);
    assertThat(dog.area()).isEqualTo(100);
    assertThat(dog.categoryId()).isEqualTo(12);
    assertThat(coco.annotations().get(1).crowd()).isTrue();
    assertThat(dog.segmentation().toRle(80, 100).area()).isEqualTo(100);
    assertThat(VocToCoco.convert(voc, VocToCoco.Difficult.DROP).annotations()).hasSize(3);
    assertThat(VocToCoco.convert(voc, VocToCoco.Difficult.KEEP).annotations().get(1).crowd()).isFalse();
  }

  @Test
  void boxConversion_roundTrips() {
    VocObject o = new VocObject("dog", 5, 6, 24, 30, false, false);
    double[] coco = VocToCoco.toCocoBox(o);
    assertThat(coco).containsExactly(4, 5, 20, 25);
    assertThat(VocToCoco.toVocBox(coco)).containsExactly(5, 6, 24, 30);
  }
}

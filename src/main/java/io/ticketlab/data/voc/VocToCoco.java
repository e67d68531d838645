package io.ticketlab.data.voc;

import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.Segmentation;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts a VOC split to a COCO dataset: images get ids 1..N in split order, classes get category
 * ids 1..C in class order, and boxes move from VOC's 1-based inclusive corners to COCO's 0-based
 * {@code [x, y, w, h]}: {@code x = xmin - 1}, {@code w = xmax - xmin + 1} (and {@link
 * #toVocBox} inverts it). Each object gets its box as polygon and {@code area = w·h}.
 */
public final class VocToCoco {
  /** What becomes of VOC's difficult objects in COCO, which has no such flag. */
  public enum Difficult {
    /** {@code iscrowd = 1}: COCO evaluation ignores them, as VOC does (the default). */
    CROWD,
    /** Ordinary objects. */
    KEEP,
    /** Left out. */
    DROP
  }

  private VocToCoco() {}

  public static CocoDataset convert(VocDataset voc, Difficult difficult) {
    List<CocoImage> images = new ArrayList<>();
    List<CocoCategory> categories = new ArrayList<>();
    List<CocoAnnotation> annotations = new ArrayList<>();
    for (int c = 0; c < voc.classes().size(); c++) {
      categories.add(new CocoCategory(c + 1, voc.classes().get(c), "none", List.of(), List.of()));
    }
    long annotationId = 1;
    for (int i = 0; i < voc.images().size(); i++) {
      VocAnnotation a = voc.images().get(i);
      long imageId = i + 1L;
      images.add(new CocoImage(imageId, a.width(), a.height(), a.fileName()));
      for (VocObject o : a.objects()) {
        if (o.difficult() && difficult == Difficult.DROP) {
          continue;
        }
        double[] box = toCocoBox(o);
        double x = box[0];
        double y = box[1];
        double w = box[2];
        double h = box[3];
        Segmentation polygon = new Segmentation.Polygons(
            List.of(new double[] {x, y, x, y + h, x + w, y + h, x + w, y}));
        annotations.add(new CocoAnnotation(annotationId++, imageId,
            voc.classes().indexOf(o.name()) + 1, box, w * h,
            o.difficult() && difficult == Difficult.CROWD, polygon, null, 0));
      }
    }
    return new CocoDataset(images, categories, annotations);
  }

  /** VOC corners → COCO {@code [x, y, w, h]}. */
  public static double[] toCocoBox(VocObject o) {
    return new double[] {o.xmin() - 1, o.ymin() - 1, o.xmax() - o.xmin() + 1, o.ymax() - o.ymin() + 1};
  }

  /** COCO {@code [x, y, w, h]} → VOC corners {@code [xmin, ymin, xmax, ymax]}. */
  public static double[] toVocBox(double[] cocoBox) {
    return new double[] {
      cocoBox[0] + 1, cocoBox[1] + 1, cocoBox[0] + cocoBox[2], cocoBox[1] + cocoBox[3]
    };
  }
}

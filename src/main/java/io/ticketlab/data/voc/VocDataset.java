package io.ticketlab.data.voc;

import java.util.List;

/**
 * One split of a VOCdevkit year folder (e.g. VOC2007 test): the annotations of the images listed in
 * {@code ImageSets/Main/<split>.txt}, in that order, and the class names (VOC's 20 by default).
 */
public record VocDataset(String split, List<String> classes, List<VocAnnotation> images) {
  /** The 20 Pascal VOC classes in their conventional order (category ids 1..20). */
  public static final List<String> VOC_CLASSES = List.of(
      "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
      "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
      "tvmonitor");

  public VocDataset {
    classes = List.copyOf(classes);
    images = List.copyOf(images);
  }
}

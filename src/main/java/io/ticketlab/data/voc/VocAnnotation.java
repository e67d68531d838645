package io.ticketlab.data.voc;

import java.util.List;

/**
 * The annotation of one VOC image ({@code Annotations/<id>.xml}).
 *
 * @param id the image id, the file name stem used in {@code ImageSets/Main/*.txt} (e.g. "000005")
 * @param fileName the image file name (e.g. "000005.jpg")
 * @param width width in pixels
 * @param height height in pixels
 * @param objects the annotated objects, in file order
 */
public record VocAnnotation(String id, String fileName, int width, int height, List<VocObject> objects) {
  public VocAnnotation {
    objects = List.copyOf(objects);
  }
}

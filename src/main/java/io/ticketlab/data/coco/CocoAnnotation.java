package io.ticketlab.data.coco;

/**
 * One ground-truth object of {@code annotations[]}.
 *
 * @param id the annotation id
 * @param imageId the image it belongs to
 * @param categoryId its category
 * @param bbox {@code [x, y, w, h]} in pixels, or null when the file gives none
 * @param area the {@code area} field in pixels² (COCO evaluation uses it for the area ranges, never
 *     the box); 0 when absent
 * @param crowd {@code iscrowd == 1}: a region of many objects that detections may hit without
 *     penalty
 * @param segmentation polygons or RLE, or null when absent
 * @param keypoints {@code [x1, y1, v1, ...]} triplets (v: 0 not labelled, 1 labelled but hidden, 2
 *     visible), or null for categories without keypoints
 * @param numKeypoints the {@code num_keypoints} field (labelled keypoints), 0 when absent
 */
public record CocoAnnotation(
    long id,
    long imageId,
    int categoryId,
    double[] bbox,
    double area,
    boolean crowd,
    Segmentation segmentation,
    double[] keypoints,
    int numKeypoints) {

  /** A plain box annotation (no mask, no keypoints). */
  public static CocoAnnotation box(
      long id, long imageId, int categoryId, double[] bbox, double area, boolean crowd) {
    return new CocoAnnotation(id, imageId, categoryId, bbox, area, crowd, null, null, 0);
  }
}

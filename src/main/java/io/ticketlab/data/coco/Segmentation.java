package io.ticketlab.data.coco;

import java.util.List;

/**
 * The {@code segmentation} of a COCO annotation: either polygons (each a flat list {@code [x1, y1,
 * x2, y2, ...]} in pixels) or a run-length mask. {@link #toRle(int, int)} gives the mask that
 * pycocotools' {@code annToRLE} gives, at the image's size.
 */
public sealed interface Segmentation permits Segmentation.Polygons, Segmentation.RunLength {

  /** The mask of this segmentation on an image of the given size. */
  Rle toRle(int height, int width);

  /** One or more polygons of one object; the mask is their union. */
  record Polygons(List<double[]> polygons) implements Segmentation {
    public Polygons {
      polygons = List.copyOf(polygons);
    }

    @Override
    public Rle toRle(int height, int width) {
      return PolygonRasterizer.rasterize(polygons, height, width);
    }
  }

  /**
   * A run-length mask; {@code compressed} records whether the file held the counts as COCO's
   * compressed string (results, most masks) or as a plain list of integers (crowd regions).
   */
  record RunLength(Rle rle, boolean compressed) implements Segmentation {
    @Override
    public Rle toRle(int height, int width) {
      return rle;
    }
  }
}

package io.ticketlab.data.coco;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The streaming rasteriser gives exactly the masks of the straightforward reference version. */
class PolygonRasterizerProperties {

  @Provide
  Arbitrary<double[]> polygons() {
    Arbitrary<Double> coordinate = Arbitraries.doubles().between(-5, 45).ofScale(2);
    return coordinate.array(double[].class).ofMinSize(3).ofMaxSize(9)
        .flatMap(xs -> coordinate.array(double[].class).ofSize(xs.length).map(ys -> {
          double[] xy = new double[2 * xs.length];
          for (int i = 0; i < xs.length; i++) {
            xy[2 * i] = xs[i];
            xy[2 * i + 1] = ys[i];
          }
          return xy;
        }));
  }

  @Property(tries = 500)
  void rasterize_equalsTheReference(@ForAll("polygons") double[] xy) {
    assertThat(PolygonRasterizer.rasterize(xy, 37, 41))
        .isEqualTo(ReferencePolygonRasterizer.rasterize(xy, 37, 41));
  }

  @Property(tries = 100)
  void boxes_equalTheReference(@ForAll("polygons") double[] xy) {
    double x = Math.abs(xy[0]);
    double y = Math.abs(xy[1]);
    double[] box = {x, y, x + 3.3, y, x + 3.3, y + 7.7, x, y + 7.7};
    assertThat(PolygonRasterizer.rasterize(box, 60, 50))
        .isEqualTo(ReferencePolygonRasterizer.rasterize(box, 60, 50));
  }
}

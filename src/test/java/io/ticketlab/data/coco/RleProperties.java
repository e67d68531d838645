package io.ticketlab.data.coco;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random masks round-trip through RLE encode, decode and the compressed string codec. */
class RleProperties {

  record Mask(int height, int width, byte[] bits) {}

  @Provide
  Arbitrary<Mask> masks() {
    Arbitrary<Integer> sizes = Arbitraries.integers().between(0, 24);
    return Combinators.combine(sizes, sizes, Arbitraries.doubles().between(0, 1))
        .flatAs((h, w, density) -> Arbitraries.randoms().map(random -> {
          byte[] bits = new byte[h * w];
          // Mix of blobs and noise: runs of random length with the given density.
          int i = 0;
          while (i < bits.length) {
            int run = 1 + random.nextInt(Math.max(1, h));
            byte v = random.nextDouble() < density ? (byte) 1 : (byte) 0;
            for (int j = 0; j < run && i < bits.length; j++) {
              bits[i++] = v;
            }
          }
          return new Mask(h, w, bits);
        }));
  }

  @Property(tries = 300)
  void encodeThenDecode_givesTheMaskBack(@ForAll("masks") Mask m) {
    Rle rle = Rle.encode(m.bits(), m.height(), m.width());
    assertThat(rle.decode()).containsExactly(m.bits());
    assertThat(rle.totalCount()).isEqualTo((long) m.height() * m.width());
  }

  @Property(tries = 300)
  void compressedString_roundTrips(@ForAll("masks") Mask m) {
    Rle rle = Rle.encode(m.bits(), m.height(), m.width());
    String s = rle.toCompressedString();
    assertThat(Rle.fromCompressedString(s, m.height(), m.width())).isEqualTo(rle);
    assertThat(s.chars()).allMatch(c -> c >= 48 && c < 48 + 64);
  }

  @Property(tries = 300)
  void areaAndBbox_matchThePixels(@ForAll("masks") Mask m) {
    Rle rle = Rle.encode(m.bits(), m.height(), m.width());
    long count = 0;
    int xs = Integer.MAX_VALUE;
    int ys = Integer.MAX_VALUE;
    int xe = -1;
    int ye = -1;
    for (int x = 0; x < m.width(); x++) {
      for (int y = 0; y < m.height(); y++) {
        if (m.bits()[x * m.height() + y] != 0) {
          count++;
          xs = Math.min(xs, x);
          xe = Math.max(xe, x);
          ys = Math.min(ys, y);
          ye = Math.max(ye, y);
        }
      }
    }
    assertThat(rle.area()).isEqualTo(count);
    double[] expected = count == 0 ? new double[4] : new double[] {xs, ys, xe - xs + 1, ye - ys + 1};
    assertThat(rle.toBbox()).containsExactly(expected);
  }

  @Property(tries = 200)
  void mergeAndIou_matchPixelwiseLogic(@ForAll("masks") Mask a, @ForAll boolean crowd) {
    // A second mask of the same size: a shifted copy of the first with some noise.
    byte[] other = new byte[a.bits().length];
    for (int i = 0; i < other.length; i++) {
      other[i] = (byte) (a.bits()[(i + 3) % Math.max(1, other.length)] ^ (i % 7 == 0 ? 1 : 0));
    }
    Rle ra = Rle.encode(a.bits(), a.height(), a.width());
    Rle rb = Rle.encode(other, a.height(), a.width());
    byte[] union = Rle.merge(List.of(ra, rb), false).decode();
    byte[] inter = Rle.merge(List.of(ra, rb), true).decode();
    long i = 0;
    long u = 0;
    long areaA = 0;
    for (int p = 0; p < other.length; p++) {
      boolean x = a.bits()[p] != 0;
      boolean y = other[p] != 0;
      assertThat(union[p] != 0).isEqualTo(x || y);
      assertThat(inter[p] != 0).isEqualTo(x && y);
      i += x && y ? 1 : 0;
      u += x || y ? 1 : 0;
      areaA += x ? 1 : 0;
    }
    double expected = i == 0 ? 0 : (double) i / (crowd ? areaA : u);
    assertThat(Rle.iou(ra, rb, crowd)).isEqualTo(expected);
  }
}

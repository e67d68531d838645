package io.ticketlab.analysis.tide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ticketlab.data.coco.CocoAnnotation;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import io.ticketlab.data.coco.CocoResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Invariants of TIDE on random scenes. */
class TidePropertiesTest {

  record Scene(CocoDataset gt, List<CocoResult> dets) {}

  static Scene scene(long seed, int images, boolean perfect) {
    Random rnd = new Random(seed);
    List<CocoImage> imgs = new ArrayList<>();
    List<CocoAnnotation> anns = new ArrayList<>();
    List<CocoResult> dets = new ArrayList<>();
    long id = 1;
    for (int i = 1; i <= images; i++) {
      imgs.add(new CocoImage(i, 200, 200, i + ".jpg"));
      // A perfect scene has at least one object per image, so AP is defined on every try.
      int n = perfect ? 1 + rnd.nextInt(3) : rnd.nextInt(4);
      for (int k = 0; k < n; k++) {
        double[] box = {rnd.nextInt(150), rnd.nextInt(150), 10 + rnd.nextInt(40), 10 + rnd.nextInt(40)};
        int cat = 1 + rnd.nextInt(3);
        anns.add(CocoAnnotation.box(id++, i, cat, box, box[2] * box[3], false));
        if (perfect) {
          dets.add(CocoResult.box(i, cat, 0.5 + rnd.nextDouble() / 2, box.clone()));
        } else {
          int m = rnd.nextInt(3);
          for (int j = 0; j < m; j++) {
            double[] b = {box[0] + rnd.nextGaussian() * 8, box[1] + rnd.nextGaussian() * 8, box[2],
                box[3]};
            int c = rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(3) : cat;
            dets.add(CocoResult.box(i, c, Math.round(rnd.nextDouble() * 20) / 20.0, b));
          }
        }
      }
      if (!perfect && rnd.nextBoolean()) {
        dets.add(CocoResult.box(i, 1 + rnd.nextInt(3), rnd.nextDouble() / 4,
            new double[] {rnd.nextInt(190), rnd.nextInt(190), 8, 8}));
      }
    }
    List<CocoCategory> cats = List.of(CocoCategory.of(1, "a"), CocoCategory.of(2, "b"),
        CocoCategory.of(3, "c"));
    return new Scene(new CocoDataset(imgs, cats, anns), dets);
  }

  @Property(tries = 60)
  void perfectDetections_scoreApHundredWithoutErrors(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 6) int images) {
    Scene s = scene(seed, images, true);
    assertThat(s.gt().annotations()).hasSizeGreaterThanOrEqualTo(images);
    TideResult r = Tide.analyze(s.gt(), s.dets(), TideSettings.defaults(TideMode.BBOX));
    assertThat(r.ap()).isCloseTo(100, within(1e-9));
    assertThat(r.detectionErrors()).isEmpty();
    assertThat(r.missedGtIds()).isEmpty();
  }

  @Property(tries = 100)
  void mainDapsAreNonNegativeAndEveryUnmatchedDetectionHasOneError(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 8) int images) {
    Scene s = scene(seed, images, false);
    TideResult r = Tide.analyze(s.gt(), s.dets(), TideSettings.defaults(TideMode.BBOX));
    r.mainErrors().values().forEach(v -> assertThat(v).isGreaterThanOrEqualTo(0));
    assertThat(r.ap()).isBetween(0.0, 100.0);
    long detectionErrors = r.counts().entrySet().stream()
        .filter(e -> e.getKey() != TideErrorType.MISS).mapToLong(e -> e.getValue()).sum();
    assertThat(detectionErrors).isEqualTo(r.detectionErrors().size());
    assertThat(r.count(TideErrorType.MISS)).isEqualTo(r.missedGtIds().size());
    assertThat(r.errorsByResultIndex()).hasSize(r.detectionErrors().size());
  }
}

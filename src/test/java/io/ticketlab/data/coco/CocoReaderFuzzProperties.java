package io.ticketlab.data.coco;

import io.ticketlab.common.BadInputException;
import io.ticketlab.eval.coco.CocoEvaluator;
import io.ticketlab.eval.coco.EvalParams;
import io.ticketlab.eval.coco.IouType;
import io.ticketlab.testing.Mutations;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;

/**
 * Damaged COCO files: the reader (and, when it accepts the file, the evaluation) either works or
 * refuses with a {@link BadInputException}; nothing else escapes (no NullPointerException, no
 * IndexOutOfBounds, no ClassCast).
 */
class CocoReaderFuzzProperties {
  private static final Path GT = Path.of("gt.json");
  private static final Path RESULTS = Path.of("results.json");

  private static byte[] resource(String name) {
    try (InputStream in = CocoReaderFuzzProperties.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final byte[] GT_BYTES = resource("/oracles/fixtures/small/gt.json");
  private static final byte[] BBOX_BYTES = resource("/oracles/fixtures/small/dt_bbox.json");
  private static final byte[] SEGM_BYTES = resource("/oracles/fixtures/small/dt_segm.json");
  private static final CocoDataset VALID_GT = CocoReader.readDataset(new ByteArrayInputStream(GT_BYTES), GT);

  @Provide
  Arbitrary<List<Mutations.Edit>> edits() {
    return Mutations.edits();
  }

  @Property(tries = 300)
  void damagedGroundTruth_isReadOrRefused(@ForAll("edits") List<Mutations.Edit> edits) {
    byte[] damaged = Mutations.apply(GT_BYTES, edits);
    CocoDataset gt;
    try {
      gt = CocoReader.readDataset(new ByteArrayInputStream(damaged), GT, edits.size() % 2 == 0 ? null : w -> { });
    } catch (BadInputException expected) {
      return;
    }
    try {
      CocoEvaluator.evaluate(gt, CocoReader.readResults(new ByteArrayInputStream(BBOX_BYTES), RESULTS, gt),
          EvalParams.defaults(IouType.BBOX));
    } catch (BadInputException expected) {
      // refused by name
    }
  }

  @Property(tries = 300)
  void damagedResults_areReadOrRefused(@ForAll("edits") List<Mutations.Edit> edits) {
    boolean segm = edits.size() % 2 == 0;
    byte[] damaged = Mutations.apply(segm ? SEGM_BYTES : BBOX_BYTES, edits);
    try {
      List<CocoResult> results = CocoReader.readResults(new ByteArrayInputStream(damaged), RESULTS, VALID_GT);
      CocoEvaluator.evaluate(VALID_GT, results, EvalParams.defaults(segm ? IouType.SEGM : IouType.BBOX));
    } catch (BadInputException expected) {
      // refused by name
    }
  }
}

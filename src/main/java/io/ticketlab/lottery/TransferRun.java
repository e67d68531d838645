package io.ticketlab.lottery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.config.ExperimentSpec;
import io.ticketlab.lottery.transfer.CrossTaskTransfer;
import io.ticketlab.lottery.transfer.ImageNetTicket;
import io.ticketlab.lottery.transfer.MaskTransfer;
import io.ticketlab.lottery.transfer.Transfer;
import io.ticketlab.model.io.Checkpoints;
import io.ticketlab.model.io.TicketCheckpoint;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.NetworkSparsity;
import io.ticketlab.prune.PrunableSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ticket transfer as an experiment (a config with a {@code transfer} section): one level per
 * replicate, {@code lottery_<id>/replicate_<n>/level_1/main}, with the layout, lock, provenance,
 * resume and {@link LevelRecord} of direct pruning. The detector is built fresh from the replicate's
 * seed, takes the transferred values ({@link ImageNetTicket}, {@link MaskTransfer}, {@link
 * CrossTaskTransfer}), and is
 * fine-tuned for the whole schedule with the transferred mask in force; {@code transfer.json}
 * records by name what was transferred and what stayed fresh.
 */
public final class TransferRun {
  /** The level index a transfer's result has: a pruned network, beside level 1 of direct pruning. */
  static final int LEVEL = 1;

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TransferRun() {}

  static List<LotteryRunner.LevelOutcome> run(
      Experiment e, Path root, Integer replicatesOverride, boolean wait, PrintStream progress) throws IOException {
    ExperimentSpec spec = e.spec();
    int replicates = replicatesOverride != null ? replicatesOverride : spec.replicates();
    if (replicates < 1) {
      throw BadInputException.of(null, null, "--replicates", replicates, "must be at least 1");
    }
    ExperimentLayout layout = e.layout(root);
    LotteryTask task = LotteryTask.of(spec, e.base());
    task.checkInputs();
    Map<String, int[]> shapes = task.parameterShapes();
    long total = task.lengths()[1];
    Transfer transfer = transfer(spec.transfer(), e.base(), shapes);
    Mask mask = transfer.mask().validate(shapes, "transferred mask");
    PrunableSet masked = PrunableSet.of(null, mask.names().stream().map(java.util.regex.Pattern::quote).toList(), List.of());
    LotteryRunner.writeSpec(layout, spec);
    List<LotteryRunner.LevelOutcome> out = new ArrayList<>();
    try (ExperimentLock lock = ExperimentLock.take(layout.lock(), wait, progress)) {
      for (int r = 0; r < replicates; r++) {
        Path dir = layout.level(r, LEVEL);
        if (Files.exists(ExperimentLayout.record(dir))) {
          out.add(new LotteryRunner.LevelOutcome(LevelRecord.read(ExperimentLayout.record(dir)), task.reported(), dir, true));
          continue;
        }
        Files.createDirectories(dir);
        Path record = dir.resolve("transfer.json");
        if (!Files.exists(record)) {
          Map<String, Object> what = new LinkedHashMap<>();
          what.put("kind", spec.transfer().kind());
          what.put("source", spec.transfer().source());
          what.put("networkSparsityBeforeTraining", transfer.networkSparsity(shapes));
          what.put("transferred", transfer.transferred());
          what.put("masked", new ArrayList<>(mask.names()));
          what.put("fresh", transfer.fresh());
          AtomicFiles.writeString(record, JSON.writeValueAsString(what) + "\n");
        }
        if (progress != null) {
          progress.printf("replicate %d: %s transfer, %d tensors transferred, %d fresh%n", r, spec.transfer().kind(),
              transfer.transferred().size(), transfer.fresh().size());
        }
        // checkpoint_0: the transferred network before fine-tuning (ticketlab sparsity reads it)
        Map<String, Double> metrics = task.train(dir, LotteryRunner.seed(spec, r), List.of(io.ticketlab.config.Step.ofIterations(0)),
            new LotteryTask.Start(transfer.values(), null, 0, true), mask, progress);
        Map<String, FloatTensor> trained =
            TicketCheckpoint.read(ExperimentLayout.checkpoint(dir, total)).weights().toFloatTensors();
        NetworkSparsity sparsity = NetworkSparsity.of(trained, masked);
        LevelRecord level = LevelRecord.of(r, LEVEL, mask.density(), 100 * sparsity.pruneFraction(),
            100 * sparsity.networkSparsity(), task.reported(), metrics);
        AtomicFiles.writeString(ExperimentLayout.sparsity(dir), JSON.writeValueAsString(sparsity.perTensor()) + "\n");
        level.write(ExperimentLayout.record(dir));
        out.add(new LotteryRunner.LevelOutcome(level, task.reported(), dir, false));
      }
    }
    return out;
  }

  /**
   * What a dry run shows: the transferred network as it would start fine-tuning ({@code
   * checkpoint}, a TicketLab checkpoint with the mask), its sparsity, and the tensors by fate.
   */
  public record DryRun(Path checkpoint, NetworkSparsity sparsity, List<String> transferred, List<String> masked,
      List<String> fresh) {}

  /**
   * Builds the transferred network of replicate 0 without training and writes it to {@code out}:
   * the same weights a run saves as its {@code checkpoint_0}.
   */
  public static DryRun dryRun(Experiment e, Path out) throws IOException {
    ExperimentSpec spec = e.spec();
    LotteryTask task = LotteryTask.of(spec, e.base());
    Map<String, int[]> shapes = task.parameterShapes();
    Transfer transfer = transfer(spec.transfer(), e.base(), shapes);
    Mask mask = transfer.mask().validate(shapes, "transferred mask");
    io.ticketlab.common.InputFiles.requireWritableFile(out);
    Map<String, FloatTensor> weights = io.ticketlab.train.detect.DetectionRun.startingWeights(
        ((LotteryTask.Detector) task).detector(), LotteryRunner.seed(spec, 0), transfer.values(), mask);
    TicketCheckpoint.of(io.ticketlab.model.io.StateDict.ofFloats(weights), 0, spec.runId())
        .withMasks(mask.tensors()).write(out);
    PrunableSet masked = PrunableSet.of(null, mask.names().stream().map(java.util.regex.Pattern::quote).toList(), List.of());
    return new DryRun(out, NetworkSparsity.of(weights, masked), transfer.transferred(), new ArrayList<>(mask.names()),
        transfer.fresh());
  }

  /** The transfer of {@code t} into a detector of {@code shapes}. */
  static Transfer transfer(ExperimentSpec.Transfer t, Path base, Map<String, int[]> shapes) throws IOException {
    Path source = base == null ? Path.of(t.source()) : base.resolve(t.source());
    if (Files.isDirectory(source)) { // a TicketLab level folder: its latest checkpoint
      long last = ExperimentLayout.latestCheckpoint(source);
      if (last < 0) {
        throw BadInputException.of(source, null, null, null, "holds no checkpoint: give a level folder or a checkpoint file");
      }
      source = ExperimentLayout.checkpoint(source, last);
    }
    Map<String, FloatTensor> weights = Checkpoints.readStateDict(source).toFloatTensors();
    switch (t.kind()) {
      case ExperimentSpec.Transfer.MASK:
        return MaskTransfer.of(weights, t.prune(), shapes, source);
      case ExperimentSpec.Transfer.TASK: {
        Mask mask = null;
        if (Checkpoints.detect(source) == Checkpoints.Format.TICKETLAB) {
          Map<String, io.ticketlab.model.io.BitMask> m = TicketCheckpoint.read(source).masks();
          mask = m.isEmpty() ? null : Mask.of(m);
        }
        return CrossTaskTransfer.of(weights, mask, shapes, t.maskOnly(), source);
      }
      default:
        return ImageNetTicket.of(weights, shapes, source);
    }
  }
}

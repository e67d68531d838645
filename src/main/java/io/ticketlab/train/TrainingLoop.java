package io.ticketlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.ticketlab.common.StopRequest;
import io.ticketlab.engine.Autograd;
import io.ticketlab.model.nn.Scalars;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * TicketLab's one training loop, for every task: for each iteration, zero the gradients, forward
 * the batch and sum the loss terms, backward, {@link StepHook#afterBackward} (mask gradients),
 * {@link Sgd#step} with the scheduled learning rate, {@link StepHook#afterStep} (re-apply the weight
 * mask), then record the losses and save a checkpoint when the iteration is one of the requested
 * points (rewind points and the end).
 *
 * <p>With {@link Builder#optDataParallel replicas} on other devices, the parts of an iteration are
 * forwarded on all devices at once and their gradients summed into the primary model before the
 * one update (see {@link DataParallel}).
 *
 * <p>DJL's {@code EasyTrain} is not used on purpose: its listeners run before the optimizer step,
 * where a mask would be undone by the update.
 *
 * @param <B> the batch type
 */
public final class TrainingLoop<B> {
  /** Computes the loss terms of a batch in training mode. */
  @FunctionalInterface
  public interface LossFunction<B> {
    Losses losses(ParameterStore ps, B batch);
  }

  /** Saves the state of training at the end of iteration {@code iteration}. */
  @FunctionalInterface
  public interface CheckpointSink {
    void save(long iteration, Sgd optimizer);
  }

  /** One row of the training log. */
  public record Record(long iteration, double lr, Map<String, Double> losses, double total) {}

  /**
   * A copy of the model on another device for data-parallel training: its manager (device), its
   * parameters under the primary model's names, and the loss function of that copy.
   */
  public record Replica<B>(NDManager manager, Map<String, Parameter> parameters, LossFunction<B> lossFunction) {}

  /** Moves a part of a batch onto a replica's manager (its device). */
  @FunctionalInterface
  public interface Transfer<B> {
    B to(B part, NDManager manager);
  }

  private final NDManager manager;
  private final Sgd sgd;
  private final LrSchedule schedule;
  private final LossFunction<B> lossFunction;
  private final List<StepHook> hooks;
  private final TreeSet<Long> checkpointAt;
  private final CheckpointSink sink;
  private final PrintStream progressOut;
  private final String label;
  private final java.util.function.Consumer<Record> recordListener;
  private final Function<B, List<B>> splitter;
  private final DataParallel<B> parallel;

  private TrainingLoop(Builder<B> b) {
    this.manager = Objects.requireNonNull(b.manager, "manager");
    this.sgd = Objects.requireNonNull(b.sgd, "optimizer");
    this.schedule = Objects.requireNonNull(b.schedule, "schedule");
    this.lossFunction = Objects.requireNonNull(b.lossFunction, "loss function");
    this.hooks = List.copyOf(b.hooks);
    this.checkpointAt = new TreeSet<>(b.checkpointAt);
    this.sink = b.sink;
    this.progressOut = b.progressOut;
    this.label = b.label;
    this.recordListener = b.recordListener;
    this.splitter = b.splitter;
    this.parallel =
        b.replicas.isEmpty() ? null : new DataParallel<>(sgd, b.primaryParameters, b.updatedStatistics, b.replicas, b.transfer);
  }

  public static <B> Builder<B> builder() {
    return new Builder<>();
  }

  /** The loss values of the parts one device forwarded, in part order. */
  record PartLosses(List<Map<String, Double>> terms, List<Double> totals) {}

  /**
   * Trains from iteration {@code from} (0, or the iteration of the checkpoint being resumed) to
   * {@code to} (exclusive) and returns the log of these iterations.
   */
  public List<Record> run(BatchSource<B> data, long from, long to) {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("Invalid iteration range: " + from + ".." + to);
    }
    ParameterStore ps = new ParameterStore(manager, false);
    List<Record> log = new ArrayList<>();
    Progress progress = new Progress(progressOut, label, from, to, data.imagesPerIteration());
    EngineProfile profile = EngineProfile.fromProperty();
    if (parallel != null) {
      parallel.start();
    }
    StopRequest.enter();
    try {
      for (long it = from; it < to; it++) {
        profile.beforeIteration(it);
        double lr = schedule.at(it);
        Map<String, Double> values = new LinkedHashMap<>();
        double total;
        try (NDScope scope = new NDScope()) {
          long waitStart = System.nanoTime();
          B batch = data.batch(it, manager);
          progress.addDataWait(System.nanoTime() - waitStart);
          sgd.zeroGradients();
          List<B> parts = splitter.apply(batch);
          List<PartLosses> perDevice;
          if (parallel == null) {
            perDevice = List.of(forwardBackward(lossFunction, ps, parts, parts.size(), null, null));
          } else {
            perDevice = parallel.forwardBackward(parts, (share, replica) -> replica == null
                ? forwardBackward(lossFunction, ps, share, parts.size(), null, null)
                : forwardBackward(replica.lossFunction(), replica.store(), share, parts.size(), replica.manager(),
                    parallel.transfer()));
          }
          // the parts' values in part order, whatever device forwarded them
          Map<String, Double> sums = new LinkedHashMap<>();
          double totalSum = 0;
          for (PartLosses d : perDevice) {
            for (int i = 0; i < d.totals().size(); i++) {
              d.terms().get(i).forEach((k, v) -> sums.merge(k, v, Double::sum));
              totalSum += d.totals().get(i);
            }
          }
          for (StepHook h : hooks) {
            h.afterBackward(it);
          }
          sgd.step((float) lr);
          for (StepHook h : hooks) {
            h.afterStep(it);
          }
          if (parallel != null) {
            parallel.broadcast(false);
          }
          int n = parts.size();
          sums.forEach((k, v) -> values.put(k, n == 1 ? v : v / n));
          total = n == 1 ? totalSum : totalSum / n;
        }
        profile.afterIteration(it);
        if (!Double.isFinite(total)) {
          progress.finish();
          throw new TrainingDivergedException(
              "the loss became " + total + " at iteration " + it + " (learning rate " + lr + "; terms " + values + ")");
        }
        Record record = new Record(it, lr, values, total);
        log.add(record);
        if (recordListener != null) {
          recordListener.accept(record);
        }
        progress.update(it + 1, total, values);
        if (sink != null && checkpointAt.contains(it + 1)) {
          sink.save(it + 1, sgd);
        }
        if (StopRequest.requested()) {
          progress.finish();
          StopRequest.safePoint("after iteration " + (it + 1)); // SIGTERM/SIGINT: end between iterations
        }
      }
    } finally {
      StopRequest.exit();
      if (parallel != null) {
        parallel.stop();
      }
    }
    progress.finish();
    return log;
  }

  /**
   * Forwards and backpropagates {@code parts} one after the other on the calling thread, with
   * gradient recording on: their gradients add up in the parameters; each part's loss is scaled
   * by 1/{@code ofParts} (the iteration's part count) so that the step sees the mean over all
   * parts (one part: the loss as it is, bit for bit). Parts are moved to {@code target} first
   * when it is given.
   */
  private static <B> PartLosses forwardBackward(
      LossFunction<B> f, ParameterStore ps, List<B> parts, int ofParts, NDManager target, Transfer<B> transfer) {
    List<Map<String, Double>> terms = new ArrayList<>();
    List<Double> totals = new ArrayList<>();
    try (NDScope scope = new NDScope()) {
      Autograd.recording(() -> {
        for (B part : parts) {
          Losses losses = f.losses(ps, target == null ? part : transfer.to(part, target));
          NDArray sum = losses.total();
          Autograd.backward(ofParts == 1 ? sum : Scalars.div(sum, ofParts));
          Map<String, Double> t = new LinkedHashMap<>();
          for (Map.Entry<String, NDArray> e : losses.terms().entrySet()) {
            t.put(e.getKey(), (double) e.getValue().getFloat());
          }
          terms.add(t);
          totals.add((double) sum.getFloat());
        }
        return null;
      });
    }
    return new PartLosses(terms, totals);
  }

  /** The loss became NaN or infinite. */
  public static final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
      super(message);
    }
  }

  /** Options of a {@link TrainingLoop}. */
  public static final class Builder<B> {
    private NDManager manager;
    private Sgd sgd;
    private LrSchedule schedule;
    private LossFunction<B> lossFunction;
    private final List<StepHook> hooks = new ArrayList<>();
    private final List<Long> checkpointAt = new ArrayList<>();
    private CheckpointSink sink;
    private PrintStream progressOut;
    private String label = "train";
    private java.util.function.Consumer<Record> recordListener;
    private Function<B, List<B>> splitter = List::of;
    private Map<String, Parameter> primaryParameters;
    private java.util.Set<String> updatedStatistics = java.util.Set.of();
    private final List<Replica<B>> replicas = new ArrayList<>();
    private Transfer<B> transfer;

    /**
     * Data-parallel training: each iteration's parts ({@link #optMicroBatches}, at least one per
     * device) are shared in consecutive blocks between the model of {@link #setManager} and these
     * replicas, forwarded at the same time, and their gradients averaged into the primary model,
     * whose updated values are then copied to the replicas. The recorded losses are those of a
     * single device forwarding all parts (up to float rounding).
     *
     * @param primary every parameter and buffer of the primary model by name
     * @param updatedStatistics the batch-norm running statistics that training updates ({@link
     *     io.ticketlab.model.nn.ModelParameters#updatedRunningStatistics}); each device's updates
     *     are combined as if one device had forwarded all parts
     * @param copies the replicas (their parameters under the same names)
     * @param move moves a part onto a replica's manager
     */
    public Builder<B> optDataParallel(Map<String, Parameter> primary, java.util.Set<String> updatedStatistics,
        List<Replica<B>> copies, Transfer<B> move) {
      this.primaryParameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(primary));
      this.updatedStatistics = java.util.Set.copyOf(updatedStatistics);
      this.replicas.clear();
      this.replicas.addAll(copies);
      this.transfer = move;
      return this;
    }

    /**
     * Gradient accumulation: each iteration's batch is split into parts that are forwarded and
     * backpropagated one after the other (less memory), their gradients averaged before the one
     * optimizer step; the losses recorded are the parts' means. Default: one part.
     */
    public Builder<B> optMicroBatches(Function<B, List<B>> split) {
      this.splitter = Objects.requireNonNull(split, "split");
      return this;
    }

    /** Receives each iteration's record as soon as it is done (before its checkpoint). */
    public Builder<B> optRecordListener(java.util.function.Consumer<Record> listener) {
      this.recordListener = listener;
      return this;
    }

    /** The manager that holds the model's parameters; batches are attached to it per iteration. */
    public Builder<B> setManager(NDManager manager) {
      this.manager = manager;
      return this;
    }

    public Builder<B> setOptimizer(Sgd sgd) {
      this.sgd = sgd;
      return this;
    }

    public Builder<B> setSchedule(LrSchedule schedule) {
      this.schedule = schedule;
      return this;
    }

    public Builder<B> setLossFunction(LossFunction<B> f) {
      this.lossFunction = f;
      return this;
    }

    public Builder<B> addHook(StepHook hook) {
      hooks.add(hook);
      return this;
    }

    /** Saves through {@code sink} at the end of each of these iterations (1-based counts). */
    public Builder<B> optCheckpoints(CheckpointSink sink, long... iterations) {
      this.sink = sink;
      for (long it : iterations) {
        checkpointAt.add(it);
      }
      return this;
    }

    public Builder<B> optProgress(PrintStream out, String label) {
      this.progressOut = out;
      this.label = label;
      return this;
    }

    public TrainingLoop<B> build() {
      return new TrainingLoop<>(this);
    }
  }
}

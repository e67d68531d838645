package io.ticketlab.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
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

  private final Engine engine;
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

  private TrainingLoop(Builder<B> b) {
    this.engine = Objects.requireNonNull(b.engine, "engine");
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
  }

  public static <B> Builder<B> builder() {
    return new Builder<>();
  }

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
    Progress progress = new Progress(progressOut, label, from, to);
    EngineProfile profile = EngineProfile.fromProperty();
    for (long it = from; it < to; it++) {
      profile.beforeIteration(it);
      double lr = schedule.at(it);
      Map<String, Double> values = new LinkedHashMap<>();
      double total;
      try (NDScope scope = new NDScope()) {
        B batch = data.batch(it, manager);
        sgd.zeroGradients();
        List<B> parts = splitter.apply(batch);
        Map<String, Double> sums = new LinkedHashMap<>();
        double totalSum = 0;
        for (B part : parts) {
          // gradients of the parts add up in the engine; each part's loss is scaled by 1/parts so
          // that the step sees their mean (one part: the loss as it is, bit for bit)
          try (GradientCollector collector = engine.newGradientCollector()) {
            Losses losses = lossFunction.losses(ps, part);
            NDArray sum = losses.total();
            collector.backward(parts.size() == 1 ? sum : Scalars.div(sum, parts.size()));
            for (Map.Entry<String, NDArray> e : losses.terms().entrySet()) {
              sums.merge(e.getKey(), (double) e.getValue().getFloat(), Double::sum);
            }
            totalSum += sum.getFloat();
          }
        }
        for (StepHook h : hooks) {
          h.afterBackward(it);
        }
        sgd.step((float) lr);
        for (StepHook h : hooks) {
          h.afterStep(it);
        }
        sums.forEach((k, v) -> values.put(k, parts.size() == 1 ? v : v / parts.size()));
        total = parts.size() == 1 ? totalSum : totalSum / parts.size();
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
      progress.update(it + 1, total);
      if (sink != null && checkpointAt.contains(it + 1)) {
        sink.save(it + 1, sgd);
      }
    }
    progress.finish();
    return log;
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
    private Engine engine;
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

    public Builder<B> setEngine(Engine engine) {
      this.engine = engine;
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

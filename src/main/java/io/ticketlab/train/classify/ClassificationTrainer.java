package io.ticketlab.train.classify;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.ticketlab.data.folder.ImageFolder;
import io.ticketlab.data.image.ClassificationTransforms;
import io.ticketlab.data.image.ImageDecoder;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.train.Losses;
import io.ticketlab.train.LrSchedule;
import io.ticketlab.train.Sgd;
import io.ticketlab.train.StepHook;
import io.ticketlab.train.TrainingLoop;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * ImageNet-style classification training of a {@link ResNet} (the paper's ImageNet tickets come
 * from it): RandomResizedCrop + flip, cross-entropy, SGD with momentum and weight decay (none on
 * batch-norm parameters), warm-up then step or cosine decay; top-1 / top-5 accuracy with the
 * center-crop evaluation transform.
 */
public final class ClassificationTrainer {
  /** Top-k accuracies on a data set, as fractions. */
  public record Accuracy(double top1, double top5, int images) {}

  private ClassificationTrainer() {}

  /** Cross-entropy of logits [N, C] against int64 labels [N], averaged over the batch. */
  public static NDArray crossEntropy(NDArray logits, NDArray labels) {
    int classes = (int) logits.getShape().get(1);
    return logits.logSoftmax(1).mul(labels.oneHot(classes)).sum(new int[] {1}).neg().mean();
  }

  /**
   * Trains {@code model} (initialised, on {@code manager}) for iterations [from, to).
   *
   * @param hooks e.g. the lottery engine's mask hook
   * @param sink saves checkpoints at {@code checkpointAt} (may be null)
   * @param replicas copies of {@code model} on other devices for data-parallel training (each
   *     batch is split into one slice per device; empty for one device)
   */
  public static List<TrainingLoop.Record> train(
      NDManager manager,
      ResNet model,
      ClassificationData data,
      Sgd sgd,
      LrSchedule schedule,
      long from,
      long to,
      List<StepHook> hooks,
      TrainingLoop.CheckpointSink sink,
      long[] checkpointAt,
      PrintStream progress,
      java.util.function.Consumer<TrainingLoop.Record> recordListener,
      List<TrainingLoop.Replica<ClassificationData.Batch>> replicas) {
    TrainingLoop.Builder<ClassificationData.Batch> b =
        TrainingLoop.<ClassificationData.Batch>builder()
            .setManager(manager)
            .setOptimizer(sgd)
            .setSchedule(schedule)
            .setLossFunction(lossOf(model))
            .optProgress(progress, "train")
            .optRecordListener(recordListener);
    for (StepHook h : hooks) {
      b.addHook(h);
    }
    if (sink != null) {
      b.optCheckpoints(sink, checkpointAt);
    }
    if (!replicas.isEmpty()) {
      int devices = replicas.size() + 1;
      b.optMicroBatches(batch -> batch.split(devices))
          .optDataParallel(ModelParameters.of(model), ModelParameters.updatedRunningStatistics(model), replicas,
              (part, m) -> part.to(m));
    }
    return b.build().run(data, from, to);
  }

  /** A copy of the model (initialised on {@code manager}) for data-parallel {@link #train}. */
  public static TrainingLoop.Replica<ClassificationData.Batch> replica(ResNet copy, NDManager manager) {
    return new TrainingLoop.Replica<>(manager, ModelParameters.of(copy), lossOf(copy));
  }

  private static TrainingLoop.LossFunction<ClassificationData.Batch> lossOf(ResNet model) {
    return (ps, batch) ->
        Losses.single("loss_classifier", crossEntropy(model.logits(ps, batch.images(), true), batch.labels()));
  }

  /** An SGD optimizer with the paper's conventions: no weight decay on batch-norm parameters. */
  public static Sgd optimizer(ResNet model, float momentum, float weightDecay) {
    return new Sgd(ModelParameters.of(model), momentum, weightDecay, ClassificationTrainer::decays);
  }

  /** Whether a parameter gets weight decay: convolution and linear weights and biases, not norms. */
  static boolean decays(String name) {
    return !name.contains("bn") && !name.contains("downsample.1.");
  }

  /** Top-1 / top-5 accuracy with torchvision's evaluation transform (short side 8/7·size). */
  public static Accuracy evaluate(
      NDManager manager, ResNet model, ImageFolder data, int size, int batchSize) {
    int resize = (int) Math.round(size * 256.0 / 224.0);
    ParameterStore ps = new ParameterStore(manager, false);
    List<ImageFolder.Sample> samples = data.samples();
    int correct1 = 0;
    int correct5 = 0;
    for (int start = 0; start < samples.size(); start += batchSize) {
      int n = Math.min(batchSize, samples.size() - start);
      int plane = 3 * size * size;
      float[] pixels = new float[n * plane];
      final int s0 = start;
      IntStream.range(0, n)
          .parallel()
          .forEach(
              i -> {
                float[] img = ClassificationTransforms.toTensor(ClassificationTransforms.evalCrop(
                    ImageDecoder.decode(samples.get(s0 + i).path()), resize, size));
                System.arraycopy(img, 0, pixels, i * plane, plane);
              });
      try (NDScope scope = new NDScope()) {
        NDArray logits = model.logits(ps, manager.create(pixels, new Shape(n, 3, size, size)), false);
        int k = (int) Math.min(5, logits.getShape().get(1));
        NDArray top = logits.argSort(1, false).get(":, :" + k).toType(DataType.INT64, false);
        long[] idx = top.toLongArray();
        for (int i = 0; i < n; i++) {
          int label = samples.get(start + i).label();
          if (idx[i * k] == label) {
            correct1++;
          }
          for (int j = 0; j < k; j++) {
            if (idx[i * k + j] == label) {
              correct5++;
              break;
            }
          }
        }
      }
    }
    return new Accuracy(
        (double) correct1 / samples.size(), (double) correct5 / samples.size(), samples.size());
  }

  /** The class indices of the top-k predictions and their softmax probabilities. */
  public record Prediction(int[] classes, float[] probabilities) {}

  /** Softmax top-k of each row of logits [N, C]. */
  public static List<Prediction> topK(NDArray logits, int k) {
    NDArray probs = logits.softmax(1);
    int kk = (int) Math.min(k, logits.getShape().get(1));
    NDArray order = probs.argSort(1, false).get(":, :" + kk).toType(DataType.INT64, false);
    long[] idx = order.toLongArray();
    float[] p = probs.toFloatArray();
    int classes = (int) logits.getShape().get(1);
    List<Prediction> out = new ArrayList<>();
    for (int i = 0; i < logits.getShape().get(0); i++) {
      int[] c = new int[kk];
      float[] pr = new float[kk];
      for (int j = 0; j < kk; j++) {
        c[j] = (int) idx[i * kk + j];
        pr[j] = p[i * classes + c[j]];
      }
      out.add(new Prediction(c, pr));
    }
    return out;
  }
}

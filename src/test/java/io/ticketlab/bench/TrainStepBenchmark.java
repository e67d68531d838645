package io.ticketlab.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ticketlab.engine.EngineSettings;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.model.nn.ModelParameters;
import io.ticketlab.train.Sgd;
import java.util.Arrays;
import java.util.Locale;

/**
 * Benchmark (not a test): one ImageNet-style training step of a ResNet — forward in training mode,
 * cross-entropy, backward, SGD with momentum 0.9 and weight decay 1e-4 — timed over several steps
 * after a warm-up. {@code bench/train-step.sh} runs it beside the torchvision reference.
 *
 * <p>Arguments: {@code arch batch size steps warmup threads}, e.g. {@code resnet18 8 224 10 3 2}.
 * With {@code TL_PROFILE=trace.json} the engine's profiler records the last step (a Chrome trace).
 */
public final class TrainStepBenchmark {
  private TrainStepBenchmark() {}

  public static void main(String[] args) {
    String arch = args.length > 0 ? args[0] : "resnet18";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int size = args.length > 2 ? Integer.parseInt(args[2]) : 224;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    if (args.length > 5) {
      EngineSettings.setThreads(Integer.parseInt(args[5]));
    }
    boolean masked = args.length > 6 && args[6].equals("masked");
    Engine engine = Engines.pytorch();
    ResNet model = new ResNet(ResNetConfig.imagenet(ResNetConfig.parseArch(arch)));
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      engine.setRandomSeed(0);
      model.initialize(manager, DataType.FLOAT32, new Shape(batch, 3, size, size));
      ParameterStore ps = new ParameterStore(manager, false);
      Sgd sgd = new Sgd(ModelParameters.of(model), 0.9f, 1e-4f, name -> !name.contains("bn"));
      io.ticketlab.train.MaskHook hook = null;
      if (masked) {
        // an 80% global-magnitude ticket over the stem and block convs, kept in force every step
        java.util.Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        io.ticketlab.model.nn.Weights.read(model).forEach((n, t) -> shapes.put(n, t.shape()));
        io.ticketlab.prune.Mask mask =
            io.ticketlab.prune.MagnitudePruning.global()
                .prune(
                    io.ticketlab.model.nn.Weights.read(model),
                    io.ticketlab.prune.Mask.ones(
                        io.ticketlab.prune.PrunableSet.preset("classifier-convs").select(shapes)),
                    0.2);
        hook = new io.ticketlab.train.MaskHook(ModelParameters.of(model), mask, manager);
        hook.apply();
      }
      NDArray x = manager.randomNormal(new Shape(batch, 3, size, size));
      NDArray labels = manager.randomInteger(0, 1000, new Shape(batch), DataType.INT64);
      NDArray oneHot = labels.oneHot(1000);
      double[] times = new double[steps];
      double[] hookMs = new double[steps];
      float loss = 0;
      String profileFile = System.getenv("TL_PROFILE");
      for (int i = 0; i < warmup + steps; i++) {
        long t0 = System.nanoTime();
        boolean profile = profileFile != null && i == warmup + steps - 1;
        if (profile) {
          ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
        }
        try (NDScope scope = new NDScope()) {
          sgd.zeroGradients();
          NDArray l;
          try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray logits = model.logits(ps, x, true);
            l = logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).neg().mean();
            gc.backward(l);
          }
          long h0 = System.nanoTime();
          if (hook != null) {
            hook.afterBackward(i);
          }
          long h1 = System.nanoTime();
          sgd.step(0.01f);
          long h2 = System.nanoTime();
          if (hook != null) {
            hook.afterStep(i);
          }
          long h3 = System.nanoTime();
          if (i >= warmup) {
            hookMs[i - warmup] = ((h1 - h0) + (h3 - h2)) / 1e6;
          }
          loss = l.getFloat();
        }
        if (profile) {
          ai.djl.pytorch.jni.JniUtils.stopProfile(profileFile);
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (i >= warmup) {
          times[i - warmup] = ms;
        }
      }
      double[] share = new double[steps];
      for (int i = 0; i < steps; i++) {
        share[i] = hookMs[i] / times[i];
      }
      Arrays.sort(share);
      Arrays.sort(hookMs);
      Arrays.sort(times);
      System.out.printf(
          Locale.ROOT,
          "ticketlab %s%s batch %d at %dpx, %d threads: median %.1f ms/step, best %.1f ms (loss %.3f)%n",
          arch,
          masked ? " with an 80% mask" : "",
          batch,
          size,
          EngineSettings.threads(),
          times[steps / 2],
          times[0],
          loss);
      if (masked) {
        System.out.printf(Locale.ROOT, "  mask hook (zero pruned gradients + re-apply mask): median %.2f ms/step ="
            + " %.2f%% of the step (median of per-step shares)%n", hookMs[steps / 2], 100 * share[steps / 2]);
      }
    }
  }
}

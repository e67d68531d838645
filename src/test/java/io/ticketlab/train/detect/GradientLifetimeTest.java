package io.ticketlab.train.detect;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.ticketlab.data.detection.DetectionDataset;
import io.ticketlab.data.synth.SynthGenerator;
import io.ticketlab.data.synth.SynthOptions;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.detector.GeneralizedRcnn;
import io.ticketlab.model.nn.ModelParameters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything autograd saves for the backward pass must stay alive until then: constants and
 * indices created from Java data live in Java buffers that the garbage collector frees once their
 * arrays are closed (DJL's {@code mul(Number)} closes its constant at once; see {@code Scalars}).
 * A collection between the forward and the backward pass must not change a single gradient.
 */
@Tag("engine")
class GradientLifetimeTest {
  @TempDir Path tmp;

  @Test
  void garbageCollectionBeforeBackward_changesNoGradient() {
    SynthGenerator.write(tmp, new SynthOptions(2, 1, 128, SynthOptions.Split.train));
    DetectionDataset ds = DetectionDataset.open(
        tmp.resolve(SynthGenerator.ANNOTATIONS), tmp, DetectionRun.options(DetectionRunTest.tiny().task(), true));
    Engine engine = Engines.pytorch();
    try (NDManager m = engine.newBaseManager(Device.cpu())) {
      GeneralizedRcnn model = DetectionRun.build(DetectionRunTest.tiny(), m, null);
      DetectionData data = new DetectionData(ds, 2, 3, false);
      ParameterStore ps = new ParameterStore(m, false);
      Map<String, float[]> plain = gradients(engine, m, model, data, ps, false);
      Map<String, float[]> collected = gradients(engine, m, model, data, ps, true);
      assertThat(collected.keySet()).isEqualTo(plain.keySet());
      // the comparison means something only if there are gradients to compare: finite values,
      // and nearly every trainable tensor reached by the loss (all-zero gradients equal trivially)
      List<String> zero = new ArrayList<>();
      for (Map.Entry<String, float[]> e : plain.entrySet()) {
        boolean any = false;
        for (float v : e.getValue()) {
          assertThat(Float.isFinite(v)).as("finite gradient of %s", e.getKey()).isTrue();
          any |= v != 0;
        }
        if (!any) {
          zero.add(e.getKey());
        }
      }
      assertThat(plain).hasSizeGreaterThan(20);
      assertThat(zero).as("trainable tensors whose gradient is all zero")
          .hasSizeLessThanOrEqualTo(plain.size() / 10);
      for (String k : plain.keySet()) {
        assertThat(collected.get(k)).as(k).isEqualTo(plain.get(k));
      }
    }
  }

  private static Map<String, float[]> gradients(
      Engine engine, NDManager m, GeneralizedRcnn model, DetectionData data, ParameterStore ps, boolean gc) {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDScope scope = new NDScope()) {
      DetectionBatch b = data.batch(0, m);
      for (Parameter p : ModelParameters.of(model).values()) {
        if (p.requiresGradient()) {
          NDArray g = p.getArray().getGradient();
          g.subi(g);
        }
      }
      try (GradientCollector c = engine.newGradientCollector()) {
        NDArray total = null;
        for (NDArray l : model.losses(ps, b.images(), b.targets(), b.random()).values()) {
          total = total == null ? l : total.add(l);
        }
        if (gc) {
          for (int i = 0; i < 3; i++) {
            System.gc();
          }
        }
        c.backward(total);
      }
      ModelParameters.of(model).forEach((k, p) -> {
        if (p.requiresGradient()) {
          out.put(k, p.getArray().getGradient().toFloatArray());
        }
      });
    }
    return out;
  }
}

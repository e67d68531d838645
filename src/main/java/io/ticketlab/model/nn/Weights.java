package io.ticketlab.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.engine.NativeStderr;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves named float tensors into and out of an initialised model, by torchvision state-dict key.
 * Loading is strict by default: missing, unexpected and mis-shaped keys are all reported by name.
 */
public final class Weights {
  private Weights() {}

  /** What a load did not match. */
  public record LoadReport(List<String> missing, List<String> unexpected, List<String> misShaped) {
    public boolean clean() {
      return missing.isEmpty() && unexpected.isEmpty() && misShaped.isEmpty();
    }

    @Override
    public String toString() {
      return "missing " + abbreviate(missing) + ", unexpected " + abbreviate(unexpected)
          + ", mis-shaped " + abbreviate(misShaped);
    }

    private static String abbreviate(List<String> names) {
      if (names.size() <= 6) {
        return names.toString();
      }
      return names.subList(0, 6) + " and " + (names.size() - 6) + " more";
    }
  }

  /**
   * Copies {@code tensors} into the model's parameters.
   *
   * @param source where the tensors came from (for messages), e.g. a file name
   * @param strict whether any mismatch is an error (otherwise matching keys load, the rest is
   *     reported)
   * @param ignoredSuffixes key suffixes that are skipped silently (e.g. {@code num_batches_tracked})
   */
  public static LoadReport load(
      Block model,
      Map<String, FloatTensor> tensors,
      String source,
      boolean strict,
      String... ignoredSuffixes) {
    Map<String, Parameter> params = ModelParameters.of(model);
    List<String> missing = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    List<String> misShaped = new ArrayList<>();
    Map<Parameter, FloatTensor> toLoad = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : params.entrySet()) {
      FloatTensor t = tensors.get(e.getKey());
      if (t == null) {
        missing.add(e.getKey());
        continue;
      }
      long[] expected = e.getValue().getShape().getShape();
      if (!Arrays.equals(expected, Arrays.stream(t.shape()).asLongStream().toArray())) {
        misShaped.add(e.getKey() + " " + t.shapeString() + " vs " + Arrays.toString(expected));
        continue;
      }
      toLoad.put(e.getValue(), t);
    }
    outer:
    for (String key : tensors.keySet()) {
      if (!params.containsKey(key)) {
        for (String suffix : ignoredSuffixes) {
          if (key.endsWith(suffix)) {
            continue outer;
          }
        }
        unexpected.add(key);
      }
    }
    LoadReport report = new LoadReport(missing, unexpected, misShaped);
    if (strict && !report.clean()) {
      throw new BadInputException(
          source + ": the weights do not fit the model: " + report + " (use --partial to load what fits)");
    }
    // libtorch warns once (deprecated AutoNonVariableTypeMode) on the first in-place copy.
    NativeStderr.silenced(
        () -> {
          for (Map.Entry<Parameter, FloatTensor> e : toLoad.entrySet()) {
            NDArray array = e.getKey().getArray();
            array.set(FloatBuffer.wrap(e.getValue().data()));
          }
        });
    return report;
  }

  /** The model's parameters and buffers as named float tensors (copies). */
  public static Map<String, FloatTensor> read(Block model) {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : ModelParameters.of(model).entrySet()) {
      NDArray a = e.getValue().getArray();
      int[] shape = Arrays.stream(a.getShape().getShape()).mapToInt(Math::toIntExact).toArray();
      out.put(e.getKey(), new FloatTensor(shape, a.toFloatArray()));
    }
    return out;
  }
}

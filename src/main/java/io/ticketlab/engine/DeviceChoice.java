package io.ticketlab.engine;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where a command computes, as the user writes it with {@code --device}:
 *
 * <ul>
 *   <li>{@code auto} (default): the first GPU when the engine sees CUDA, else the CPU;
 *   <li>{@code cpu};
 *   <li>{@code gpu} or {@code gpu:0}: one GPU;
 *   <li>{@code gpu:0,1,2,3}: several GPUs, trained data parallel (the first holds the model the
 *       optimizer updates and evaluates);
 *   <li>{@code gpus}: all GPUs the engine sees.
 * </ul>
 *
 * <p>{@link #parse} checks the spelling only (the engine may not be loaded yet when options are
 * read); {@link #resolve} checks the GPUs against those the engine sees.
 */
public record DeviceChoice(Kind kind, List<Integer> gpus) {
  /** The forms of a choice. */
  public enum Kind {
    AUTO,
    CPU,
    GPUS_LISTED,
    ALL_GPUS
  }

  public DeviceChoice {
    gpus = List.copyOf(gpus);
  }

  /** The default choice. */
  public static DeviceChoice auto() {
    return new DeviceChoice(Kind.AUTO, List.of());
  }

  /**
   * Reads a {@code --device} value.
   *
   * @throws IllegalArgumentException naming the bad part of {@code text}
   */
  public static DeviceChoice parse(String text) {
    String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    switch (s) {
      case "auto":
        return auto();
      case "cpu":
        return new DeviceChoice(Kind.CPU, List.of());
      case "gpu":
      case "cuda":
        return new DeviceChoice(Kind.GPUS_LISTED, List.of(0));
      case "gpus":
        return new DeviceChoice(Kind.ALL_GPUS, List.of());
      default:
        break;
    }
    int colon = s.indexOf(':');
    String head = colon < 0 ? s : s.substring(0, colon);
    if (colon < 0 || !(head.equals("gpu") || head.equals("cuda"))) {
      throw new IllegalArgumentException(
          "expected auto, cpu, gpu, gpu:N, gpu:N,M,... or gpus");
    }
    Set<Integer> ids = new LinkedHashSet<>();
    for (String part : s.substring(colon + 1).split(",", -1)) {
      int id;
      try {
        id = Integer.parseInt(part.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("GPU index '" + part.strip() + "' is not a number");
      }
      if (id < 0) {
        throw new IllegalArgumentException("GPU index " + id + " is negative");
      }
      if (!ids.add(id)) {
        throw new IllegalArgumentException("GPU " + id + " is listed twice");
      }
    }
    return new DeviceChoice(Kind.GPUS_LISTED, new ArrayList<>(ids));
  }

  /**
   * The devices of this choice on an engine that sees {@code gpuCount} GPUs, the first being the
   * primary one.
   *
   * @throws IllegalArgumentException when a GPU is asked for that the engine does not see
   */
  public List<Device> resolve(int gpuCount) {
    switch (kind) {
      case AUTO:
        return List.of(gpuCount > 0 ? Device.gpu(0) : Device.cpu());
      case CPU:
        return List.of(Device.cpu());
      case ALL_GPUS:
        if (gpuCount == 0) {
          throw new IllegalArgumentException(noGpu());
        }
        List<Device> all = new ArrayList<>();
        for (int i = 0; i < gpuCount; i++) {
          all.add(Device.gpu(i));
        }
        return all;
      default:
        List<Device> listed = new ArrayList<>();
        for (int id : gpus) {
          if (id >= gpuCount) {
            throw new IllegalArgumentException(gpuCount == 0 ? noGpu()
                : "GPU " + id + " does not exist: the engine sees " + gpuCount + " GPU" + (gpuCount == 1 ? "" : "s")
                    + " (0.." + (gpuCount - 1) + ")");
          }
          listed.add(Device.gpu(id));
        }
        return listed;
    }
  }

  private static String noGpu() {
    return "the engine sees no GPU (the CPU build of PyTorch is in use, or no CUDA device is visible): "
        + "run with TICKETLAB_PYTORCH_FLAVOR=cu128 on a machine with an NVIDIA driver, or use --device cpu";
  }

  @Override
  public String toString() {
    switch (kind) {
      case AUTO:
        return "auto";
      case CPU:
        return "cpu";
      case ALL_GPUS:
        return "gpus";
      default:
        StringBuilder b = new StringBuilder("gpu:");
        for (int i = 0; i < gpus.size(); i++) {
          b.append(i == 0 ? "" : ",").append(gpus.get(i));
        }
        return b.toString();
    }
  }
}

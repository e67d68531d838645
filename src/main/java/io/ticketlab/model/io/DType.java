package io.ticketlab.model.io;

import java.util.Locale;
import java.util.Optional;

/**
 * The element types a checkpoint tensor may have, with their size on disk and their names in the
 * formats this package reads. Half and bfloat16 values are widened to float in Java when read; the
 * dtype records what the file held.
 */
public enum DType {
  FLOAT32(4, "F32", "FloatStorage", true),
  FLOAT16(2, "F16", "HalfStorage", true),
  BFLOAT16(2, "BF16", "BFloat16Storage", true),
  FLOAT64(8, "F64", "DoubleStorage", true),
  INT64(8, "I64", "LongStorage", false),
  INT32(4, "I32", "IntStorage", false),
  INT16(2, "I16", "ShortStorage", false),
  INT8(1, "I8", "CharStorage", false),
  UINT8(1, "U8", "ByteStorage", false),
  BOOL(1, "BOOL", "BoolStorage", false);

  private final int byteSize;
  private final String safetensorsName;
  private final String torchStorage;
  private final boolean floatingPoint;

  DType(int byteSize, String safetensorsName, String torchStorage, boolean floatingPoint) {
    this.byteSize = byteSize;
    this.safetensorsName = safetensorsName;
    this.torchStorage = torchStorage;
    this.floatingPoint = floatingPoint;
  }

  /** Bytes per element on disk. */
  public int byteSize() {
    return byteSize;
  }

  /** The name in a safetensors header, e.g. {@code "BF16"}. */
  public String safetensorsName() {
    return safetensorsName;
  }

  /** The legacy PyTorch storage class, e.g. {@code "HalfStorage"} for {@code torch.HalfStorage}. */
  public String torchStorage() {
    return torchStorage;
  }

  /** Whether values are floating point (held as float or double in Java). */
  public boolean isFloatingPoint() {
    return floatingPoint;
  }

  /** The lower-case name used in TicketLab's own files, e.g. {@code "bfloat16"}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The dtype with this safetensors name, if any. */
  public static Optional<DType> fromSafetensors(String name) {
    for (DType t : values()) {
      if (t.safetensorsName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The dtype stored by this PyTorch storage class (e.g. {@code "FloatStorage"}), if any. */
  public static Optional<DType> fromTorchStorage(String className) {
    for (DType t : values()) {
      if (t.torchStorage.equals(className)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The dtype with this {@link #id()}, if any. */
  public static Optional<DType> fromId(String id) {
    for (DType t : values()) {
      if (t.id().equals(id)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}

package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bytes on disk of a set of named tensors in each {@link SparseFormat}, per tensor and in total,
 * against the entropy bound: for each tensor n·H(density) bits for the mask plus 32 bits per
 * non-zero value (the paper's supplementary Figure 4, left, measures the {@code paper} format).
 *
 * @param formats the format names, in column order
 * @param tensors one row per tensor, in map order
 * @param fileBytes whole-file size per format (header, entries, CRCs and payloads)
 * @param numel total number of values
 * @param nonZero total number of non-zero values
 * @param boundBytes the sum of the per-tensor entropy bounds, in bytes
 */
public record SizeReport(
    List<String> formats, List<TensorSize> tensors, Map<String, Long> fileBytes, long numel, long nonZero,
    double boundBytes) {

  /**
   * One tensor.
   *
   * @param payloadBytes payload bytes per format name (without its header entry)
   * @param boundBytes n·H(density)/8 + 4 bytes per non-zero
   */
  public record TensorSize(String name, int[] shape, long numel, long nonZero, double boundBytes,
      Map<String, Long> payloadBytes) {
    /** Fraction of zeros. */
    public double sparsity() {
      return numel == 0 ? 0 : 1 - (double) nonZero / numel;
    }
  }

  public SizeReport {
    formats = List.copyOf(formats);
    tensors = List.copyOf(tensors);
    fileBytes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fileBytes));
  }

  /** Measures {@code tensors} in each of {@code formats} by encoding them. */
  public static SizeReport of(Map<String, FloatTensor> tensors, List<SparseFormat> formats) {
    List<String> names = new ArrayList<>(tensors.keySet());
    Map<String, Long> files = new LinkedHashMap<>();
    List<Map<String, Long>> payloads = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      payloads.add(new LinkedHashMap<>());
    }
    for (SparseFormat f : formats) {
      SparseCheckpoint.Encoded e = SparseCheckpoint.encode(tensors, f);
      files.put(f.name(), e.fileBytes());
      for (int k = 0; k < names.size(); k++) {
        payloads.get(k).put(f.name(), e.entries().get(k).payloadBytes());
      }
    }
    List<TensorSize> rows = new ArrayList<>();
    long numel = 0;
    long nonZero = 0;
    double bound = 0;
    for (int k = 0; k < names.size(); k++) {
      FloatTensor t = tensors.get(names.get(k));
      long nnz = Masks.countNonZero(t);
      double b = Masks.entropyBoundBits(t.size(), nnz) / 8;
      rows.add(new TensorSize(names.get(k), t.shape().clone(), t.size(), nnz, b,
          java.util.Collections.unmodifiableMap(payloads.get(k))));
      numel += t.size();
      nonZero += nnz;
      bound += b;
    }
    return new SizeReport(formats.stream().map(SparseFormat::name).toList(), rows, files, numel, nonZero, bound);
  }

  /** Fraction of zeros over all values. */
  public double sparsity() {
    return numel == 0 ? 0 : 1 - (double) nonZero / numel;
  }

  /** A format's whole-file size over the entropy bound. */
  public double ratioToBound(String format) {
    return fileBytes.get(format) / boundBytes;
  }
}

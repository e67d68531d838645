package io.ticketlab.storage;

import io.ticketlab.common.FloatTensor;
import java.util.Map;

/**
 * The error that storing the non-zero values as float16 ({@code entropy-fp16}) introduces, over
 * the non-zero finite values of a set of tensors.
 *
 * @param values number of non-zero values compared
 * @param maxAbsError largest |decoded − original|
 * @param maxRelError largest |decoded − original| / |original|
 * @param rmsError root mean square of decoded − original
 * @param overflowed values beyond float16's range (|v| &gt; 65504), stored as infinity
 * @param flushedToZero non-zero values too small for float16, stored as zero
 */
public record LossyError(
    long values, double maxAbsError, double maxRelError, double rmsError, long overflowed, long flushedToZero) {

  /** The error of float16 storage for {@code tensors}. */
  public static LossyError ofFloat16(Map<String, FloatTensor> tensors) {
    long count = 0;
    long overflowed = 0;
    long flushed = 0;
    double maxAbs = 0;
    double maxRel = 0;
    double sumSquares = 0;
    for (FloatTensor t : tensors.values()) {
      for (float v : t.data()) {
        if (!Masks.isNonZero(v) || !Float.isFinite(v)) {
          continue;
        }
        float back = Half.toFloat(Half.fromFloat(v));
        count++;
        if (Float.isInfinite(back)) {
          overflowed++;
          continue;
        }
        if (back == 0f && v != 0f) {
          flushed++;
        }
        double err = Math.abs((double) back - v);
        maxAbs = Math.max(maxAbs, err);
        if (v != 0f) {
          maxRel = Math.max(maxRel, err / Math.abs(v));
        }
        sumSquares += err * err;
      }
    }
    return new LossyError(count, maxAbs, maxRel, count == 0 ? 0 : Math.sqrt(sumSquares / count), overflowed, flushed);
  }
}

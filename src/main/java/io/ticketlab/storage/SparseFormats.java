package io.ticketlab.storage;

import io.ticketlab.common.BadInputException;
import java.util.List;
import java.util.stream.Collectors;

/** The sparse checkpoint formats, by name and by header id. */
public final class SparseFormats {
  /** All values as float32; the interchange format. */
  public static final SparseFormat DENSE = new DenseFormat();
  /** The paper's index + value storage with the break-even threshold. */
  public static final SparseFormat PAPER = new PaperFormat(Double.NaN);
  /** One bit per position + values. */
  public static final SparseFormat BITMAP = new BitmapFormat();
  /** Variable-length gaps + values. */
  public static final SparseFormat DELTA = new DeltaFormat();
  /** rANS-coded mask + float32 values, lossless: the fast format near the entropy bound. */
  public static final SparseFormat ENTROPY =
      new EntropyFormat("entropy", 5, SparseFormat.StoredDtype.FLOAT32, EntropyFormat.MaskCoding.NIBBLE_RANS);
  /** Context-adaptive arithmetic-coded mask + float32 values, lossless: for channel-structured masks. */
  public static final SparseFormat ENTROPY_CONTEXT =
      new EntropyFormat("entropy-context", 7, SparseFormat.StoredDtype.FLOAT32,
          EntropyFormat.MaskCoding.CONTEXT_ARITHMETIC);
  /** rANS-coded mask + float16 values, lossy. */
  public static final SparseFormat ENTROPY_FP16 =
      new EntropyFormat("entropy-fp16", 6, SparseFormat.StoredDtype.FLOAT16, EntropyFormat.MaskCoding.NIBBLE_RANS);

  private static final List<SparseFormat> ALL =
      List.of(DENSE, PAPER, BITMAP, DELTA, ENTROPY, ENTROPY_CONTEXT, ENTROPY_FP16);

  private SparseFormats() {}

  /** Every format, lossless ones first in order of sophistication, then the lossy one. */
  public static List<SparseFormat> all() {
    return ALL;
  }

  /** The formats that round-trip float32 bit for bit. */
  public static List<SparseFormat> lossless() {
    return ALL.stream().filter(SparseFormat::lossless).toList();
  }

  /**
   * The paper's format with a fixed threshold: the sparse layout is used when a tensor's sparsity
   * is above {@code thresholdSparsity} (in [0, 1]). It writes and reads like {@link #PAPER}.
   */
  public static SparseFormat paper(double thresholdSparsity) {
    if (!(thresholdSparsity >= 0 && thresholdSparsity <= 1)) {
      throw BadInputException.of(null, null, "threshold sparsity", thresholdSparsity, "must be in [0, 1]");
    }
    return new PaperFormat(thresholdSparsity);
  }

  /** The format of a name, e.g. {@code "entropy"}; a bad name is bad input naming the choices. */
  public static SparseFormat byName(String name) {
    for (SparseFormat f : ALL) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    throw BadInputException.of(null, null, "--format", name, "expected one of " + names());
  }

  /** The format of a header id, or null. */
  static SparseFormat byId(int id) {
    for (SparseFormat f : ALL) {
      if (f.id() == id) {
        return f;
      }
    }
    return null;
  }

  /** The names, comma separated. */
  public static String names() {
    return ALL.stream().map(SparseFormat::name).collect(Collectors.joining(", "));
  }
}

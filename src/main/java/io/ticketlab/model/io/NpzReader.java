package io.ticketlab.model.io;

import io.ticketlab.common.InputFiles;
import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads NumPy {@code .npz} archives (a zip of {@code .npy} files, stored or deflated, as
 * {@code np.savez} and {@code np.savez_compressed} write them) and single {@code .npy} files.
 *
 * <p>An {@code .npy} file is the magic {@code \x93NUMPY}, a version (1.0 with a 2-byte header
 * length, 2.0/3.0 with a 4-byte one), a Python dict literal {@code {'descr': '<f4',
 * 'fortran_order': False, 'shape': (2, 3), }}, then the raw values. Little- and big-endian data
 * and C and Fortran order are read; values come out row-major. Object arrays (which hold pickles)
 * and structured dtypes are refused.
 */
public final class NpzReader {
  private NpzReader() {}

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** Reads every array of an {@code .npz} file, named by its entry name without {@code .npy}. */
  public static StateDict read(Path file) {
    LinkedHashMap<String, StoredTensor> tensors = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(InputFiles.requireFile(file).toFile())) {
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        ZipEntry entry = en.nextElement();
        if (entry.isDirectory()) {
          continue;
        }
        String name = entry.getName();
        if (!name.endsWith(".npy")) {
          throw BadInputException.of(file, name, null, null, "not an .npy entry");
        }
        if (entry.getSize() > Integer.MAX_VALUE - 16) {
          throw BadInputException.of(file, name, null, entry.getSize(), "entry over 2 GB");
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
          bytes = in.readAllBytes();
        }
        String key = name.substring(0, name.length() - ".npy".length());
        tensors.put(key, parseNpy(file, key, bytes));
      }
    } catch (IOException e) {
      throw PthReader.zipFailure(file, null, e);
    }
    return StateDict.of(tensors);
  }

  /** Reads a single {@code .npy} file. */
  public static StoredTensor readNpy(Path file) {
    try {
      return parseNpy(file, null, Files.readAllBytes(InputFiles.requireFile(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static StoredTensor parseNpy(Path file, String name, byte[] b) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b.length <= i || b[i] != MAGIC[i]) {
        throw BadInputException.of(file, name, null, null, "not an .npy array (bad magic)");
      }
    }
    if (b.length < 10) {
      throw BadInputException.of(file, name, null, null, "truncated .npy header");
    }
    int major = b[6] & 0xff;
    int headerLength;
    int headerStart;
    if (major == 1) {
      headerLength = (b[8] & 0xff) | (b[9] & 0xff) << 8;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (b.length < 12) {
        throw BadInputException.of(file, name, null, null, "truncated .npy header");
      }
      long l = (b[8] & 0xffL) | (b[9] & 0xffL) << 8 | (b[10] & 0xffL) << 16 | (b[11] & 0xffL) << 24;
      if (l > b.length) {
        throw BadInputException.of(file, name, null, l, "truncated .npy header");
      }
      headerLength = (int) l;
      headerStart = 12;
    } else {
      throw BadInputException.of(file, name, "version", major + "." + (b[7] & 0xff),
          "unsupported .npy format version");
    }
    if (headerStart + headerLength > b.length) {
      throw BadInputException.of(file, name, null, null, "truncated .npy header");
    }
    String text = new String(b, headerStart, headerLength,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Object parsed;
    try {
      parsed = new LiteralParser(text).parse();
    } catch (IllegalArgumentException e) {
      throw BadInputException.of(file, name, "header", text.trim(), e.getMessage());
    }
    if (!(parsed instanceof Map<?, ?> header)) {
      throw BadInputException.of(file, name, "header", text.trim(), "not a dict");
    }
    if (!(header.get("descr") instanceof String descr)) {
      throw BadInputException.of(file, name, "descr", String.valueOf(header.get("descr")),
          "structured dtypes are not supported");
    }
    if (!(header.get("fortran_order") instanceof Boolean fortran)) {
      throw BadInputException.of(file, name, "fortran_order", header.get("fortran_order"),
          "missing or not a bool");
    }
    if (!(header.get("shape") instanceof List<?> shapeList)) {
      throw BadInputException.of(file, name, "shape", header.get("shape"), "not a tuple");
    }
    ByteOrder order;
    switch (descr.isEmpty() ? ' ' : descr.charAt(0)) {
      case '<', '|', '=' -> order = ByteOrder.LITTLE_ENDIAN;
      case '>' -> order = ByteOrder.BIG_ENDIAN;
      default -> throw BadInputException.of(file, name, "descr", descr, "unknown byte order");
    }
    DType dtype = switch (descr.substring(1)) {
      case "f2" -> DType.FLOAT16;
      case "f4" -> DType.FLOAT32;
      case "f8" -> DType.FLOAT64;
      case "i1" -> DType.INT8;
      case "i2" -> DType.INT16;
      case "i4" -> DType.INT32;
      case "i8" -> DType.INT64;
      case "u1" -> DType.UINT8;
      case "b1" -> DType.BOOL;
      default -> throw BadInputException.of(file, name, "descr", descr,
          "unsupported dtype (supported: f2 f4 f8 i1 i2 i4 i8 u1 b1; object arrays are refused)");
    };
    int[] shape = new int[shapeList.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
        throw BadInputException.of(file, name, "shape", shapeList, "not a tuple of sizes");
      }
      shape[i] = (int) (long) d;
      numel *= shape[i];
    }
    int dataStart = headerStart + headerLength;
    long needed = numel * dtype.byteSize();
    if (numel > Integer.MAX_VALUE || b.length - dataStart < needed) {
      throw BadInputException.of(file, name, null, (b.length - dataStart) + " bytes",
          "truncated array: shape " + shapeList + " of " + descr + " needs " + needed + " bytes");
    }
    Object values = RawTensors.decode(b, dataStart, (int) numel, dtype, order);
    if (fortran && shape.length > 1) {
      long[] stride = new long[shape.length];
      long s = 1;
      for (int i = 0; i < shape.length; i++) {
        stride[i] = s;
        s *= shape[i];
      }
      values = RawTensors.gather(values, (int) numel, 0, shape, stride);
    }
    return new StoredTensor(dtype, shape, values);
  }

  /** Parses the Python literals an .npy header uses: dicts, tuples, strings, ints, bools. */
  private static final class LiteralParser {
    private final String s;
    private int pos;

    LiteralParser(String s) {
      this.s = s;
    }

    Object parse() {
      Object v = value();
      skipSpace();
      if (pos != s.length()) {
        throw new IllegalArgumentException("unexpected text after the header dict at " + pos);
      }
      return v;
    }

    private Object value() {
      skipSpace();
      if (pos >= s.length()) {
        throw new IllegalArgumentException("unexpected end of header");
      }
      char c = s.charAt(pos);
      if (c == '{') {
        pos++;
        Map<Object, Object> map = new LinkedHashMap<>();
        while (true) {
          skipSpace();
          if (peek() == '}') {
            pos++;
            return map;
          }
          Object key = value();
          skipSpace();
          expect(':');
          map.put(key, value());
          skipSpace();
          if (peek() == ',') {
            pos++;
          } else if (peek() != '}') {
            throw new IllegalArgumentException("expected , or } at " + pos);
          }
        }
      }
      if (c == '(' || c == '[') {
        char close = c == '(' ? ')' : ']';
        pos++;
        List<Object> items = new ArrayList<>();
        while (true) {
          skipSpace();
          if (peek() == close) {
            pos++;
            return items;
          }
          items.add(value());
          skipSpace();
          if (peek() == ',') {
            pos++;
          } else if (peek() != close) {
            throw new IllegalArgumentException("expected , or " + close + " at " + pos);
          }
        }
      }
      if (c == '\'' || c == '"') {
        int end = s.indexOf(c, pos + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated string at " + pos);
        }
        String text = s.substring(pos + 1, end);
        pos = end + 1;
        return text;
      }
      int start = pos;
      while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '-'
          || s.charAt(pos) == '_')) {
        pos++;
      }
      String word = s.substring(start, pos);
      switch (word) {
        case "True" -> {
          return Boolean.TRUE;
        }
        case "False" -> {
          return Boolean.FALSE;
        }
        case "None" -> {
          return null;
        }
        default -> {
          String digits = word.endsWith("L") ? word.substring(0, word.length() - 1) : word;
          try {
            return Long.parseLong(digits);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unexpected '" + word + "' at " + start);
          }
        }
      }
    }

    private char peek() {
      if (pos >= s.length()) {
        throw new IllegalArgumentException("unexpected end of header");
      }
      return s.charAt(pos);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + pos);
      }
      pos++;
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }
  }
}

package io.ticketlab.storage;

import io.ticketlab.common.InputFiles;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;

/**
 * TicketLab's own checkpoint file: named float32 tensors stored in one {@link SparseFormat}.
 *
 * <p>Layout (little-endian): the magic {@code TLSPARSE}, u16 version (1), u8 encoding id (the
 * format), u8 flags (0), u32 tensor count, u32 CRC-32C of these 16 bytes; then one entry per tensor
 * in map order: u16 name length, UTF-8 name, u8 dtype of the stored values (1 float32, 2 float16),
 * u8 rank, rank × u32 dimensions, u64 payload length, u32 CRC-32C of the entry's preceding bytes
 * and its payload; then the payloads in the same order, and nothing after them. Readers refuse
 * other versions, unknown encodings, CRC mismatches, truncated files and trailing bytes with a
 * {@link BadInputException} that names the file and the tensor.
 *
 * <p>Payloads are encoded, checked and decoded on all cores, one tensor (or one chunk of a large
 * tensor) per task.
 */
public final class SparseCheckpoint {
  /** The version this code writes and reads. */
  public static final int VERSION = 1;

  private static final byte[] MAGIC = "TLSPARSE".getBytes(StandardCharsets.US_ASCII);
  private static final int FIXED_HEADER = 20;
  private static final int MAX_RANK = 16;

  private SparseCheckpoint() {}

  /** One tensor as the header describes it. */
  public record Entry(String name, int[] shape, SparseFormat.StoredDtype dtype, long payloadBytes) {
    /** Number of elements. */
    public long numel() {
      return FloatTensor.numel(shape);
    }

    /** Bytes of this entry in the header (name, dtype, shape, length, CRC). */
    public int headerBytes() {
      return 2 + name.getBytes(StandardCharsets.UTF_8).length + 2 + 4 * shape.length + 8 + 4;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e
          && name.equals(e.name)
          && Arrays.equals(shape, e.shape)
          && dtype == e.dtype
          && payloadBytes == e.payloadBytes;
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape) + " " + dtype + " " + payloadBytes + " B";
    }
  }

  /** What a file holds: its format, the header entries and the decoded tensors in file order. */
  public record Contents(
      SparseFormat format, List<Entry> entries, LinkedHashMap<String, FloatTensor> tensors, long fileBytes) {}

  /** An encoded checkpoint, header and payloads, before it is written. */
  public static final class Encoded {
    private final byte[] header;
    private final byte[][] payloads;
    private final List<Entry> entries;

    private Encoded(byte[] header, byte[][] payloads, List<Entry> entries) {
      this.header = header;
      this.payloads = payloads;
      this.entries = entries;
    }

    /** The header entries, in order. */
    public List<Entry> entries() {
      return entries;
    }

    /** Bytes of the header (fixed part and entries). */
    public long headerBytes() {
      return header.length;
    }

    /** Total file size in bytes. */
    public long fileBytes() {
      long n = header.length;
      for (byte[] p : payloads) {
        n += p.length;
      }
      return n;
    }

    /** Writes the file content to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
      out.write(header);
      for (byte[] p : payloads) {
        out.write(p);
      }
    }

    /** The file content in one array (files under 2 GiB). */
    public byte[] toByteArray() {
      long size = fileBytes();
      if (size > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("checkpoint of " + size + " bytes does not fit an array");
      }
      byte[] all = new byte[(int) size];
      System.arraycopy(header, 0, all, 0, header.length);
      int p = header.length;
      for (byte[] payload : payloads) {
        System.arraycopy(payload, 0, all, p, payload.length);
        p += payload.length;
      }
      return all;
    }
  }

  /** Encodes {@code tensors} (in map order) in {@code format}. */
  public static Encoded encode(Map<String, FloatTensor> tensors, SparseFormat format) {
    List<String> names = new ArrayList<>(tensors.keySet());
    List<FloatTensor> values = new ArrayList<>(tensors.values());
    for (int k = 0; k < names.size(); k++) {
      String name = names.get(k);
      if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 0xFFFF) {
        throw BadInputException.of(null, "tensor #" + k, "name", name, "must have 1 to 65535 UTF-8 bytes");
      }
      if (values.get(k).shape().length > MAX_RANK) {
        throw BadInputException.of(null, "tensor '" + name + "'", "shape", values.get(k).shapeString(), "rank above " + MAX_RANK);
      }
    }
    int count = names.size();
    byte[][] payloads = new byte[count][];
    byte[][] entryBytes = new byte[count][];
    IntStream.range(0, count)
        .parallel()
        .forEach(
            k -> {
              FloatTensor t = values.get(k);
              byte[] payload = format.encode(t);
              payloads[k] = payload;
              entryBytes[k] = entry(names.get(k), t.shape(), format.storedDtype(), payload);
            });
    Bytes.Writer w = new Bytes.Writer(FIXED_HEADER + 64 * count);
    w.bytes(MAGIC, 0, MAGIC.length);
    w.u16(VERSION);
    w.u8(format.id());
    w.u8(0);
    w.i32(count);
    CRC32C crc = new CRC32C();
    crc.update(w.toByteArray(), 0, 16);
    w.i32((int) crc.getValue());
    List<Entry> entries = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      w.bytes(entryBytes[k], 0, entryBytes[k].length);
      entries.add(new Entry(names.get(k), values.get(k).shape().clone(), format.storedDtype(), payloads[k].length));
    }
    return new Encoded(w.toByteArray(), payloads, List.copyOf(entries));
  }

  private static byte[] entry(String name, int[] shape, SparseFormat.StoredDtype dtype, byte[] payload) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    Bytes.Writer w = new Bytes.Writer(nameBytes.length + 16 + 4 * shape.length);
    w.u16(nameBytes.length);
    w.bytes(nameBytes, 0, nameBytes.length);
    w.u8(dtype.code());
    w.u8(shape.length);
    for (int d : shape) {
      w.i32(d);
    }
    w.i64(payload.length);
    byte[] head = w.toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(head);
    crc.update(payload);
    w.i32((int) crc.getValue());
    return w.toByteArray();
  }

  /** Writes {@code tensors} to {@code file} in {@code format}, atomically. */
  public static Encoded write(Path file, Map<String, FloatTensor> tensors, SparseFormat format) throws IOException {
    Encoded encoded = encode(tensors, format);
    AtomicFiles.write(file, encoded::writeTo);
    return encoded;
  }

  /** Reads a checkpoint file in any of the {@link SparseFormats}. */
  public static Contents read(Path file) throws IOException {
    return decode(Files.readAllBytes(InputFiles.requireFile(file)), file);
  }

  /**
   * Decodes the content of a checkpoint file.
   *
   * @param source the file name used in error messages, or null
   * @throws BadInputException when the content is not a valid checkpoint of this version
   */
  public static Contents decode(byte[] bytes, Path source) {
    if (bytes.length < FIXED_HEADER) {
      throw BadInputException.of(source, null, null, null,
          "truncated or not a TicketLab sparse checkpoint: " + bytes.length + " bytes, the header alone has " + FIXED_HEADER);
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw BadInputException.of(source, null, null, null,
          "not a TicketLab sparse checkpoint (the file does not start with TLSPARSE)");
    }
    CRC32C headerCrc = new CRC32C();
    headerCrc.update(bytes, 0, 16);
    if ((int) headerCrc.getValue() != Bytes.getInt(bytes, 16)) {
      throw BadInputException.of(source, "header", null, null, "CRC mismatch: the file is corrupt");
    }
    int version = Bytes.getShort(bytes, 8) & 0xFFFF;
    if (version != VERSION) {
      throw BadInputException.of(source, "header", "version", version,
          "this TicketLab reads sparse checkpoint version " + VERSION + " only");
    }
    int id = bytes[10] & 0xFF;
    SparseFormat format = SparseFormats.byId(id);
    if (format == null) {
      throw BadInputException.of(source, "header", "encoding id", id, "unknown encoding; known: " + SparseFormats.names());
    }
    int count = Bytes.getInt(bytes, 12);
    if (count < 0 || count > (bytes.length - FIXED_HEADER) / 17) {
      throw BadInputException.of(source, "header", "tensor count", Integer.toUnsignedLong(count),
          "the file is truncated or corrupt: " + (bytes.length - FIXED_HEADER) + " bytes after the header cannot hold that many tensors");
    }
    Bytes.Reader r = new Bytes.Reader(bytes, FIXED_HEADER, bytes.length - FIXED_HEADER);
    List<Entry> entries = new ArrayList<>(count);
    int[] entryStart = new int[count];
    int[] entryEnd = new int[count];
    int[] storedCrc = new int[count];
    for (int k = 0; k < count; k++) {
      String record = "tensor #" + k;
      try {
        entryStart[k] = r.position();
        int nameLength = r.u16("name length");
        r.need(nameLength, "name");
        String name = new String(bytes, r.position(), nameLength, StandardCharsets.UTF_8);
        r.skip(nameLength, "name");
        record = "tensor #" + k + " '" + name + "'";
        int dtypeCode = r.u8("dtype");
        SparseFormat.StoredDtype dtype = SparseFormat.StoredDtype.ofCode(dtypeCode);
        if (dtype == null) {
          throw new PayloadException("unknown dtype code " + dtypeCode);
        }
        int rank = r.u8("rank");
        if (rank > MAX_RANK) {
          throw new PayloadException("rank " + rank + " above " + MAX_RANK);
        }
        int[] shape = new int[rank];
        long numel = 1;
        for (int d = 0; d < rank; d++) {
          shape[d] = r.i32("dimension " + d);
          if (shape[d] < 0) {
            throw new PayloadException("negative dimension " + shape[d]);
          }
          numel *= shape[d];
          if (numel > Integer.MAX_VALUE - 16) {
            throw new PayloadException("shape " + Arrays.toString(Arrays.copyOf(shape, d + 1)) + " too large");
          }
        }
        long payloadBytes = r.i64("payload length");
        entryEnd[k] = r.position();
        storedCrc[k] = r.i32("CRC");
        if (payloadBytes < 0 || payloadBytes > Integer.MAX_VALUE) {
          throw new PayloadException("bad payload length " + payloadBytes);
        }
        if (dtype != format.storedDtype()) {
          throw new PayloadException("dtype " + dtype + " but format " + format.name() + " stores " + format.storedDtype());
        }
        entries.add(new Entry(name, shape, dtype, payloadBytes));
      } catch (PayloadException e) {
        String problem = e.getMessage().endsWith(" left")
            ? "the header entry ends early, the file is truncated or corrupt: " + e.getMessage()
            : "corrupt header entry: " + e.getMessage();
        throw BadInputException.of(source, record, null, null, problem);
      }
    }
    long[] payloadStart = new long[count + 1];
    payloadStart[0] = r.position();
    for (int k = 0; k < count; k++) {
      payloadStart[k + 1] = payloadStart[k] + entries.get(k).payloadBytes();
      if (payloadStart[k + 1] > bytes.length) {
        throw BadInputException.of(source, record(k, entries), null, null,
            "the file is truncated: the payload needs bytes " + payloadStart[k] + ".." + payloadStart[k + 1]
                + " but the file has " + bytes.length);
      }
    }
    if (payloadStart[count] != bytes.length) {
      throw BadInputException.of(source, null, null, null,
          (bytes.length - payloadStart[count]) + " unexpected bytes after the last tensor: the file is corrupt");
    }
    FloatTensor[] tensors = new FloatTensor[count];
    String[] problems = new String[count];
    IntStream.range(0, count)
        .parallel()
        .forEach(
            k -> {
              Entry e = entries.get(k);
              int start = (int) payloadStart[k];
              int length = (int) e.payloadBytes();
              CRC32C crc = new CRC32C();
              crc.update(bytes, entryStart[k], entryEnd[k] - entryStart[k]);
              crc.update(bytes, start, length);
              if ((int) crc.getValue() != storedCrc[k]) {
                problems[k] = "CRC mismatch: the file is corrupt";
                return;
              }
              try {
                tensors[k] = new FloatTensor(e.shape(), format.decode(bytes, start, length, e.shape()));
              } catch (RuntimeException ex) {
                problems[k] = "cannot decode the " + format.name() + " payload: " + rootMessage(ex);
              }
            });
    LinkedHashMap<String, FloatTensor> out = new LinkedHashMap<>();
    for (int k = 0; k < count; k++) {
      if (problems[k] != null) {
        throw BadInputException.of(source, record(k, entries), null, null, problems[k]);
      }
      if (out.put(entries.get(k).name(), tensors[k]) != null) {
        throw BadInputException.of(source, record(k, entries), null, null, "duplicate tensor name");
      }
    }
    return new Contents(format, List.copyOf(entries), out, bytes.length);
  }

  private static String record(int k, List<Entry> entries) {
    return "tensor #" + k + " '" + entries.get(k).name() + "'";
  }

  private static String rootMessage(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof PayloadException) {
        return t.getMessage();
      }
    }
    return ex.toString();
  }
}

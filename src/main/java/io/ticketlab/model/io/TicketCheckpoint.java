package io.ticketlab.model.io;

import io.ticketlab.common.InputFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * TicketLab's own checkpoint: everything needed to resume or rewind a lottery-ticket run at one
 * training step — the weights, the pruning masks, the optimizer state (e.g. momentum buffers by
 * parameter name), the step (iteration) it was taken at, the hash of the experiment config that
 * produced it, and free-form metadata.
 *
 * <p>File layout (version 1, all numbers little-endian):
 *
 * <pre>
 *   0        8 bytes  magic "TLCKPT\r\n"
 *   8        u32      format version (1)
 *   12       u32      header length H
 *   16       H bytes  header, UTF-8 JSON: step, configHash, metadata, dataLength and one entry per
 *                     tensor {section, name, dtype, shape, offset, length, crc32}
 *   16+H     u32      CRC32 of bytes [0, 16+H)
 *   20+H     data     the tensors' bytes, in header order (masks packed 8 bits per byte)
 * </pre>
 *
 * Files are written atomically (see {@link AtomicFiles}); a reader refuses unknown versions, a
 * damaged header, a truncated file and any tensor whose CRC32 does not match, naming the file and
 * the tensor.
 *
 * @param weights the model's parameters and buffers by torchvision name
 * @param masks pruning masks by weight name; each must name a weight of the same shape (unless
 *     {@code weights} is empty, for a masks-only file)
 * @param optimizerState optimizer tensors by name, e.g. {@code momentum_buffer/conv1.weight}
 * @param step the training iteration the checkpoint was taken at (0 = initialisation)
 * @param configHash the hash of the experiment config (empty when there is none)
 * @param metadata free-form JSON values (strings, numbers, booleans, lists, maps); read back as
 *     Jackson reads JSON (integers as {@code Integer} when they fit)
 */
public record TicketCheckpoint(
    StateDict weights,
    Map<String, BitMask> masks,
    StateDict optimizerState,
    long step,
    String configHash,
    Map<String, Object> metadata) {

  /** The format version this code writes and reads. */
  public static final int FORMAT_VERSION = 1;

  static final byte[] MAGIC = "TLCKPT\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Headers larger than this are refused as damaged. */
  static final int MAX_HEADER_BYTES = 64 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String WEIGHTS = "weights";
  private static final String MASKS = "masks";
  private static final String OPTIMIZER = "optimizer";
  private static final String BITS = "bits";

  public TicketCheckpoint {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(optimizerState, "optimizerState");
    Objects.requireNonNull(configHash, "configHash");
    masks = Collections.unmodifiableMap(new LinkedHashMap<>(masks));
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    if (step < 0) {
      throw new IllegalArgumentException("Negative step: " + step);
    }
    String problem = maskProblem(weights, masks);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** A checkpoint of weights alone. */
  public static TicketCheckpoint of(StateDict weights, long step, String configHash) {
    return new TicketCheckpoint(weights, Map.of(), StateDict.of(Map.of()), step, configHash,
        Map.of());
  }

  /** This checkpoint with these masks. */
  public TicketCheckpoint withMasks(Map<String, BitMask> newMasks) {
    return new TicketCheckpoint(weights, newMasks, optimizerState, step, configHash, metadata);
  }

  /** This checkpoint with this optimizer state. */
  public TicketCheckpoint withOptimizerState(StateDict state) {
    return new TicketCheckpoint(weights, masks, state, step, configHash, metadata);
  }

  /** This checkpoint with this metadata. */
  public TicketCheckpoint withMetadata(Map<String, Object> newMetadata) {
    return new TicketCheckpoint(weights, masks, optimizerState, step, configHash, newMetadata);
  }

  private static String maskProblem(StateDict weights, Map<String, BitMask> masks) {
    if (weights.size() == 0) {
      return null;
    }
    for (Map.Entry<String, BitMask> e : masks.entrySet()) {
      if (!weights.contains(e.getKey())) {
        return "mask for unknown weight '" + e.getKey() + "'";
      }
      int[] shape = weights.get(e.getKey()).shape();
      if (!Arrays.equals(shape, e.getValue().shape())) {
        return "mask '" + e.getKey() + "' has shape " + Arrays.toString(e.getValue().shape())
            + ", the weight has " + Arrays.toString(shape);
      }
    }
    return null;
  }

  // ---- writing ----

  /** Writes this checkpoint to {@code file} atomically: readers never see a partial file. */
  public void write(Path file) throws IOException {
    List<byte[]> payloads = new ArrayList<>();
    ArrayNode entries = JSON.createArrayNode();
    long offset = 0;
    for (String section : List.of(WEIGHTS, MASKS, OPTIMIZER)) {
      for (Map.Entry<String, ?> e : sectionEntries(section).entrySet()) {
        byte[] bytes;
        String dtype;
        int[] shape;
        if (e.getValue() instanceof BitMask m) {
          bytes = packBits(m);
          dtype = BITS;
          shape = m.shape();
        } else {
          StoredTensor t = (StoredTensor) e.getValue();
          bytes = RawTensors.encode(t, ByteOrder.LITTLE_ENDIAN);
          dtype = t.dtype().id();
          shape = t.shape();
        }
        ObjectNode entry = entries.addObject();
        entry.put("section", section);
        entry.put("name", e.getKey());
        entry.put("dtype", dtype);
        ArrayNode s = entry.putArray("shape");
        for (int d : shape) {
          s.add(d);
        }
        entry.put("offset", offset);
        entry.put("length", bytes.length);
        entry.put("crc32", crc(bytes, 0, bytes.length));
        payloads.add(bytes);
        offset += bytes.length;
      }
    }
    ObjectNode header = JSON.createObjectNode();
    header.put("step", step);
    header.put("configHash", configHash);
    header.set("metadata", JSON.valueToTree(metadata));
    header.put("dataLength", offset);
    header.set("tensors", entries);
    byte[] json = JSON.writeValueAsBytes(header);
    ByteBuffer prefix = ByteBuffer.allocate(16 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    prefix.put(MAGIC).putInt(FORMAT_VERSION).putInt(json.length).put(json);
    prefix.putInt((int) crc(prefix.array(), 0, 16 + json.length));
    AtomicFiles.write(
        file,
        out -> {
          out.write(prefix.array());
          for (byte[] p : payloads) {
            out.write(p);
          }
        });
  }

  private Map<String, ?> sectionEntries(String section) {
    return switch (section) {
      case WEIGHTS -> weights.tensors();
      case MASKS -> masks;
      case OPTIMIZER -> optimizerState.tensors();
      default -> throw new AssertionError(section);
    };
  }

  private static byte[] packBits(BitMask m) {
    int n = m.size();
    ByteBuffer b = ByteBuffer.allocate(m.words().length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long w : m.words()) {
      b.putLong(w);
    }
    return Arrays.copyOf(b.array(), (n + 7) / 8);
  }

  private static BitMask unpackBits(int[] shape, byte[] bytes) {
    int n = (int) FloatTensor.numel(shape);
    long[] words = new long[BitMask.wordsFor(n)];
    for (int i = 0; i < bytes.length; i++) {
      words[i >>> 3] |= (bytes[i] & 0xffL) << ((i & 7) * 8);
    }
    return new BitMask(shape, words);
  }

  private static long crc(byte[] bytes, int from, int length) {
    CRC32 c = new CRC32();
    c.update(bytes, from, length);
    return c.getValue();
  }

  // ---- reading ----

  /**
   * Reads a checkpoint written by {@link #write}.
   *
   * @throws BadInputException when the file is not a TicketLab checkpoint, has an unknown format
   *     version, or is damaged or truncated (naming the tensor concerned)
   */
  public static TicketCheckpoint read(Path file) {
    return read(file, false);
  }

  /**
   * Reads the weights and masks of a checkpoint written by {@link #write}, skipping the bytes of its
   * optimizer state unread and unchecked (its optimizer state comes back empty): half the reading of a
   * training checkpoint for what needs only the network ({@code ticketlab report}'s sizes and MACs).
   * Everything that is read is checked as {@link #read} checks it.
   */
  public static TicketCheckpoint readWithoutOptimizer(Path file) {
    return read(file, true);
  }

  private static TicketCheckpoint read(Path file, boolean skipOptimizer) {
    long fileSize;
    try {
      fileSize = Files.size(InputFiles.requireFile(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      byte[] fixed = in.readNBytes(16);
      if (fixed.length < 8 || !Arrays.equals(Arrays.copyOf(fixed, 8), MAGIC)) {
        throw BadInputException.of(file, null, null, null, "not a TicketLab checkpoint (bad magic)");
      }
      if (fixed.length < 16) {
        throw BadInputException.of(file, "header", null, null, "truncated file");
      }
      ByteBuffer fb = ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN);
      int version = fb.getInt(8);
      if (version != FORMAT_VERSION) {
        throw BadInputException.of(file, "header", "version", Integer.toUnsignedString(version),
            "unsupported checkpoint format version; this TicketLab reads version "
                + FORMAT_VERSION + " (was the file written by a newer TicketLab?)");
      }
      long headerLength = Integer.toUnsignedLong(fb.getInt(12));
      if (headerLength > MAX_HEADER_BYTES || 20 + headerLength > fileSize) {
        throw BadInputException.of(file, "header", "length", headerLength,
            "header length out of range for a file of " + fileSize + " bytes (truncated?)");
      }
      byte[] json = in.readNBytes((int) headerLength);
      byte[] crcBytes = in.readNBytes(4);
      if (json.length != headerLength || crcBytes.length != 4) {
        throw BadInputException.of(file, "header", null, null, "truncated file");
      }
      CRC32 headerCrc = new CRC32();
      headerCrc.update(fixed);
      headerCrc.update(json);
      long stored = Integer.toUnsignedLong(
          ByteBuffer.wrap(crcBytes).order(ByteOrder.LITTLE_ENDIAN).getInt());
      if (headerCrc.getValue() != stored) {
        throw BadInputException.of(file, "header", null, null,
            "header checksum mismatch: the file is damaged");
      }
      return readBody(file, in, fileSize - 20 - headerLength, JSON.readTree(json), skipOptimizer);
    } catch (JsonProcessingException e) {
      throw BadInputException.of(file, "header", null, null,
          "malformed header JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static TicketCheckpoint readBody(Path file, InputStream in, long available,
      JsonNode header, boolean skipOptimizer) throws IOException {
    long step = requireLong(file, header, "step");
    long dataLength = requireLong(file, header, "dataLength");
    JsonNode hash = header.get("configHash");
    JsonNode tensors = header.get("tensors");
    if (hash == null || !hash.isTextual() || tensors == null || !tensors.isArray()) {
      throw BadInputException.of(file, "header", null, null,
          "missing configHash or tensors");
    }
    JsonNode metadataNode = header.path("metadata");
    if (!metadataNode.isMissingNode() && !metadataNode.isObject()) {
      throw BadInputException.of(file, "header", "metadata", metadataNode, "not a JSON object");
    }
    Map<String, Object> metadata = metadataNode.isObject()
        ? JSON.convertValue(metadataNode, new TypeReference<Map<String, Object>>() {})
        : Map.of();
    LinkedHashMap<String, StoredTensor> weights = new LinkedHashMap<>();
    LinkedHashMap<String, StoredTensor> optimizer = new LinkedHashMap<>();
    LinkedHashMap<String, BitMask> masks = new LinkedHashMap<>();
    long offset = 0;
    for (JsonNode entry : tensors) {
      String section = entry.path("section").asText();
      String name = entry.path("name").asText();
      String where = section + "/" + name;
      String dtypeId = entry.path("dtype").asText();
      long length = entry.path("length").asLong(-1);
      if (entry.path("offset").asLong(-1) != offset || length < 0) {
        throw BadInputException.of(file, where, "offset", entry.path("offset"),
            "tensor entries are not laid out one after another");
      }
      JsonNode shapeNode = entry.path("shape");
      int[] shape = new int[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeNode.get(i).asInt(-1);
        if (shape[i] < 0) {
          throw BadInputException.of(file, where, "shape", shapeNode, "bad shape");
        }
      }
      long numel = FloatTensor.numel(shape);
      long expected;
      DType dtype = null;
      if (dtypeId.equals(BITS)) {
        expected = (numel + 7) / 8;
      } else {
        dtype = DType.fromId(dtypeId).orElseThrow(
            () -> BadInputException.of(file, where, "dtype", dtypeId, "unknown dtype"));
        expected = numel * dtype.byteSize();
      }
      if (length != expected || numel > Integer.MAX_VALUE) {
        throw BadInputException.of(file, where, "length", length,
            "does not match shape " + shapeNode + " of " + dtypeId + " (" + expected + " bytes)");
      }
      if (offset + length > available) {
        throw BadInputException.of(file, where, null, null,
            "truncated file: the tensor needs bytes " + offset + ".." + (offset + length)
                + " of the data section, which has " + available);
      }
      if (skipOptimizer && section.equals(OPTIMIZER)) {
        in.skipNBytes(length);
        offset += length;
        continue;
      }
      byte[] bytes = in.readNBytes((int) length);
      if (bytes.length != length) {
        throw BadInputException.of(file, where, null, null, "truncated file");
      }
      if (crc(bytes, 0, bytes.length) != entry.path("crc32").asLong(-1)) {
        throw BadInputException.of(file, where, null, null,
            "checksum mismatch: the tensor's bytes are damaged");
      }
      if (weights.containsKey(name) && section.equals(WEIGHTS)
          || optimizer.containsKey(name) && section.equals(OPTIMIZER)
          || masks.containsKey(name) && section.equals(MASKS)) {
        throw BadInputException.of(file, where, null, null, "tensor listed twice");
      }
      switch (section) {
        case WEIGHTS -> weights.put(name, decode(dtype, shape, bytes, file, where));
        case OPTIMIZER -> optimizer.put(name, decode(dtype, shape, bytes, file, where));
        case MASKS -> {
          if (dtype != null) {
            throw BadInputException.of(file, where, "dtype", dtypeId, "masks must be bits");
          }
          try {
            masks.put(name, unpackBits(shape, bytes));
          } catch (IllegalArgumentException e) {
            throw BadInputException.of(file, where, null, null, e.getMessage());
          }
        }
        default -> throw BadInputException.of(file, where, "section", section, "unknown section");
      }
      offset += length;
    }
    if (offset != dataLength || available != dataLength) {
      throw BadInputException.of(file, null, null, available + " data bytes",
          "the header announces " + dataLength + " data bytes and its tensors use " + offset
              + " (truncated or padded file)");
    }
    StateDict w = StateDict.of(weights);
    String problem = maskProblem(w, masks);
    if (problem != null) {
      throw BadInputException.of(file, MASKS, null, null, problem);
    }
    return new TicketCheckpoint(w, masks, StateDict.of(optimizer), step, hash.asText(), metadata);
  }

  private static StoredTensor decode(DType dtype, int[] shape, byte[] bytes, Path file,
      String where) {
    if (dtype == null) {
      throw BadInputException.of(file, where, "dtype", BITS, "only masks may be bits");
    }
    return new StoredTensor(dtype, shape,
        RawTensors.decode(bytes, 0, (int) FloatTensor.numel(shape), dtype, ByteOrder.LITTLE_ENDIAN));
  }

  private static long requireLong(Path file, JsonNode header, String field) {
    JsonNode n = header.get(field);
    if (n == null || !n.isIntegralNumber() || n.asLong() < 0) {
      throw BadInputException.of(file, "header", field, n, "missing or not a non-negative integer");
    }
    return n.asLong();
  }
}

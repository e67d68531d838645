package io.ticketlab.model.io;

import io.ticketlab.common.InputFiles;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ticketlab.common.AtomicFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes safetensors files: an 8-byte little-endian header length, a JSON header that
 * maps each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets into
 * the byte buffer that follows the header) plus an optional {@code "__metadata__"} map of strings,
 * then the little-endian tensor bytes.
 *
 * <p>Every dtype is checked against the supported list before any byte is decoded, and float16 /
 * bfloat16 values are widened in Java (handing BF16 bytes to the engine's own decoder aborts the
 * JVM).
 */
public final class Safetensors {
  private Safetensors() {}

  /** Headers larger than this are refused as damaged (real ones are kilobytes). */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private static final String METADATA = "__metadata__";
  private static final ObjectMapper JSON =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  /** A safetensors file's tensors (in header order) and its {@code __metadata__}. */
  public record Contents(StateDict tensors, Map<String, String> metadata) {
    public Contents {
      metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
  }

  /** Reads the tensors of a safetensors file. */
  public static StateDict readStateDict(Path file) {
    return read(file).tensors();
  }

  /**
   * Reads a safetensors file.
   *
   * @throws BadInputException when the header is malformed, a dtype is unsupported, or a tensor's
   *     byte range does not match its shape or lies outside the file
   */
  public static Contents read(Path file) {
    try (FileChannel channel = FileChannel.open(InputFiles.requireFile(file), StandardOpenOption.READ)) {
      long fileSize = channel.size();
      if (fileSize < 8) {
        throw BadInputException.of(file, null, null, null,
            "not a safetensors file: shorter than the 8-byte header length");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(channel, lengthBytes, 0, file, "header length");
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > fileSize - 8) {
        throw BadInputException.of(file, "header", null, headerLength,
            "header length out of range for a file of " + fileSize + " bytes");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(channel, headerBytes, 8, file, "header");
      JsonNode header;
      try {
        header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
      } catch (JsonProcessingException e) {
        throw BadInputException.of(file, "header", null, null,
            "malformed JSON header: " + e.getOriginalMessage());
      }
      if (header == null || !header.isObject()) {
        throw BadInputException.of(file, "header", null, null, "the header is not a JSON object");
      }
      long dataStart = 8 + headerLength;
      long dataSize = fileSize - dataStart;
      Map<String, String> metadata = new LinkedHashMap<>();
      Map<String, Entry> entries = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : header.properties()) {
        if (e.getKey().equals(METADATA)) {
          readMetadata(file, e.getValue(), metadata);
        } else {
          entries.put(e.getKey(), Entry.parse(file, e.getKey(), e.getValue(), dataSize));
        }
      }
      LinkedHashMap<String, StoredTensor> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        Entry entry = e.getValue();
        ByteBuffer bytes = ByteBuffer.allocate((int) (entry.end - entry.begin));
        readFully(channel, bytes, dataStart + entry.begin, file, e.getKey());
        Object values = RawTensors.decode(bytes.array(), 0, (int) FloatTensor.numel(entry.shape),
            entry.dtype, ByteOrder.LITTLE_ENDIAN);
        tensors.put(e.getKey(), new StoredTensor(entry.dtype, entry.shape, values));
      }
      return new Contents(StateDict.of(tensors), metadata);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private record Entry(DType dtype, int[] shape, long begin, long end) {
    static Entry parse(Path file, String name, JsonNode node, long dataSize) {
      if (!node.isObject()) {
        throw BadInputException.of(file, name, null, node, "tensor entry is not a JSON object");
      }
      JsonNode dtypeNode = node.get("dtype");
      if (dtypeNode == null || !dtypeNode.isTextual()) {
        throw BadInputException.of(file, name, "dtype", dtypeNode, "missing or not a string");
      }
      DType dtype = DType.fromSafetensors(dtypeNode.asText()).orElseThrow(
          () -> BadInputException.of(file, name, "dtype", dtypeNode.asText(),
              "unsupported dtype (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)"));
      JsonNode shapeNode = node.get("shape");
      if (shapeNode == null || !shapeNode.isArray()) {
        throw BadInputException.of(file, name, "shape", shapeNode, "missing or not an array");
      }
      int[] shape = new int[shapeNode.size()];
      long numel = 1;
      for (int i = 0; i < shape.length; i++) {
        JsonNode d = shapeNode.get(i);
        if (!d.canConvertToInt() || !d.isIntegralNumber() || d.asInt() < 0) {
          throw BadInputException.of(file, name, "shape", shapeNode, "not a list of sizes");
        }
        shape[i] = d.asInt();
        numel *= shape[i];
        if (numel > Integer.MAX_VALUE) {
          throw BadInputException.of(file, name, "shape", shapeNode, "tensor too large");
        }
      }
      JsonNode offsets = node.get("data_offsets");
      if (offsets == null || !offsets.isArray() || offsets.size() != 2
          || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
        throw BadInputException.of(file, name, "data_offsets", offsets, "expected [begin, end]");
      }
      long begin = offsets.get(0).asLong();
      long end = offsets.get(1).asLong();
      if (begin < 0 || end < begin || end > dataSize) {
        throw BadInputException.of(file, name, "data_offsets", offsets,
            "outside the data section of " + dataSize + " bytes (truncated file?)");
      }
      long expected = numel * dtype.byteSize();
      if (end - begin != expected) {
        throw BadInputException.of(file, name, "data_offsets", offsets,
            (end - begin) + " bytes for shape " + shapeNode + " of " + dtype.safetensorsName()
                + ", which needs " + expected);
      }
      return new Entry(dtype, shape, begin, end);
    }
  }

  private static void readMetadata(Path file, JsonNode node, Map<String, String> out) {
    if (node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      throw BadInputException.of(file, METADATA, null, node, "not a JSON object");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isTextual()) {
        throw BadInputException.of(file, METADATA, e.getKey(), e.getValue(),
            "metadata values must be strings");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file,
      String what) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw BadInputException.of(file, what, null, null, "truncated file");
      }
      at += n;
    }
  }

  /** Writes tensors with no metadata; see {@link #write(Path, StateDict, Map)}. */
  public static void write(Path file, StateDict tensors) throws IOException {
    write(file, tensors, Map.of());
  }

  /**
   * Writes a safetensors file atomically, tensors in the state dict's order, each in its own
   * dtype (float16/bfloat16 values narrowed back exactly when they came from such a file).
   */
  public static void write(Path file, StateDict tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject(METADATA);
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, StoredTensor> e : tensors.tensors().entrySet()) {
      if (e.getKey().equals(METADATA)) {
        throw new IllegalArgumentException("A tensor may not be named " + METADATA);
      }
      StoredTensor t = e.getValue();
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", t.dtype().safetensorsName());
      ArrayNode shape = entry.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      long length = (long) t.numel() * t.dtype().byteSize();
      entry.putArray("data_offsets").add(offset).add(offset + length);
      offset += length;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    byte[] headerBytes = java.util.Arrays.copyOf(json, padded);
    java.util.Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
    AtomicFiles.write(
        file,
        out -> {
          out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
          out.write(headerBytes);
          for (StoredTensor t : tensors.tensors().values()) {
            out.write(RawTensors.encode(t, ByteOrder.LITTLE_ENDIAN));
          }
        });
  }
}

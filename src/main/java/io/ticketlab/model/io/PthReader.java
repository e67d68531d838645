package io.ticketlab.model.io;

import io.ticketlab.common.InputFiles;
import io.ticketlab.common.BadInputException;
import io.ticketlab.model.io.RestrictedUnpickler.Storage;
import io.ticketlab.model.io.RestrictedUnpickler.TensorRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads PyTorch {@code torch.save} files in pure Java, without executing the pickle inside.
 *
 * <p>Two layouts exist. The zip format (the default since PyTorch 1.6) is an archive with one top
 * folder (its name varies) holding {@code data.pkl} (the pickled object, tensors pointing to
 * storages by key through persistent ids), {@code data/<key>} (each storage's raw bytes),
 * {@code version} and, in newer files, {@code byteorder}. The legacy format
 * ({@code _use_new_zipfile_serialization=False}) is a stream of pickles: a magic number, the
 * protocol version, system info (byte order), the object, the list of storage keys, then per key
 * an int64 element count and the raw bytes.
 *
 * <p>The pickle is read by {@link RestrictedUnpickler}, which refuses every global that is not a
 * tensor rebuild function, storage type or {@code OrderedDict}. Tensors that are views (storage
 * offsets, transposed or sliced strides, storages shared between tensors) are copied into
 * row-major order.
 */
public final class PthReader {
  private PthReader() {}

  /** The zip file's leading bytes. */
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

  /** The number that starts a legacy file. */
  private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

  private static final long LEGACY_PROTOCOL_VERSION = 1001;

  /**
   * How to find and name the state dict inside a checkpoint.
   *
   * @param stripModulePrefix remove {@code "module."} when every name starts with it, as
   *     {@code DataParallel} and {@code DistributedDataParallel} save them
   * @param nestedKeys keys tried, in order, when the top-level dict is not itself a state dict
   *     (training scripts save {@code {'state_dict': ..., 'epoch': ...}} and similar)
   */
  public record Options(boolean stripModulePrefix, List<String> nestedKeys) {
    public Options {
      nestedKeys = List.copyOf(nestedKeys);
    }

    /** Strip {@code module.}; look under {@code state_dict}, {@code model_state_dict}, {@code model}. */
    public static Options defaults() {
      return new Options(true, List.of("state_dict", "model_state_dict", "model"));
    }

    /** These options with {@link #stripModulePrefix} set. */
    public Options withStripModulePrefix(boolean strip) {
      return new Options(strip, nestedKeys);
    }
  }

  /** Reads the state dict of a {@code .pth}/{@code .pt} file with {@link Options#defaults()}. */
  public static StateDict readStateDict(Path file) {
    return readStateDict(file, Options.defaults());
  }

  /**
   * Reads the state dict of a {@code .pth}/{@code .pt} file: the top-level dict when its values
   * are all tensors, else the first of {@link Options#nestedKeys()} that holds one.
   *
   * @throws BadInputException when the file is not a PyTorch checkpoint, is damaged, holds no
   *     state dict, or references a Python global outside the allow-list
   */
  public static StateDict readStateDict(Path file, Options options) {
    Object top = readRaw(file);
    String path = "";
    Object current = top;
    while (true) {
      if (!(current instanceof Map<?, ?> map)) {
        throw BadInputException.of(file, path.isEmpty() ? null : path, null,
            RestrictedUnpickler.typeName(current), "not a state dict (a dict of tensors)");
      }
      if (!map.isEmpty() && map.values().stream().allMatch(v -> v instanceof TensorRef)) {
        break;
      }
      String next = null;
      for (String key : options.nestedKeys()) {
        if (map.get(key) instanceof Map<?, ?>) {
          next = key;
          break;
        }
      }
      if (next == null) {
        if (map.isEmpty()) {
          throw BadInputException.of(file, path.isEmpty() ? null : path, null, null,
              "the state dict is empty");
        }
        List<String> offenders = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (!(e.getValue() instanceof TensorRef)) {
            offenders.add(e.getKey() + " (" + RestrictedUnpickler.typeName(e.getValue()) + ")");
          }
        }
        throw BadInputException.of(file, path.isEmpty() ? null : path, null,
            abbreviate(offenders),
            "no state dict found: these entries are not tensors, and none of the keys "
                + options.nestedKeys() + " holds a dict");
      }
      path = path.isEmpty() ? next : path + "." + next;
      current = map.get(next);
    }
    LinkedHashMap<String, StoredTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) current).entrySet()) {
      if (!(e.getKey() instanceof String name)) {
        throw BadInputException.of(file, path.isEmpty() ? null : path, null,
            String.valueOf(e.getKey()), "state dict key is not a string");
      }
      tensors.put(name, materialise(file, name, (TensorRef) e.getValue()));
    }
    StateDict result = StateDict.of(tensors);
    if (options.stripModulePrefix() && result.allNamesStartWith("module.")) {
      result = result.withoutPrefix("module.", file);
    }
    return result;
  }

  /**
   * Reads the whole pickled object of a checkpoint, e.g. to see a training script's {@code epoch}
   * next to its state dict. Python values map to Java as {@link RestrictedUnpickler} describes:
   * None → null, bool → Boolean, int → Long (BigInteger if larger), float → Double, str → String,
   * bytes → byte[], tuple → {@link PyTuple}, list → List, dict/OrderedDict → LinkedHashMap,
   * set → LinkedHashSet, argparse.Namespace → LinkedHashMap of its attributes, tensor →
   * {@link StoredTensor}.
   */
  public static Object readObject(Path file) {
    return materialiseAll(file, "", readRaw(file), 0);
  }

  /** Nesting deeper than this (or a container that holds itself) is refused. */
  static final int MAX_DEPTH = 500;

  /** Whether the file starts like a PyTorch checkpoint (zip archive or legacy pickle stream). */
  static boolean looksLikePth(byte[] head) {
    return startsWith(head, ZIP_MAGIC) || (head.length >= 2 && (head[0] & 0xff) == 0x80);
  }

  // ---- reading the two layouts ----

  private static Object readRaw(Path file) {
    byte[] head = new byte[4];
    int n;
    try (InputStream in = InputFiles.open(file)) {
      n = in.readNBytes(head, 0, 4);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (n == 4 && startsWith(head, ZIP_MAGIC)) {
      return readZip(file);
    }
    if (n >= 2 && (head[0] & 0xff) == 0x80) {
      return readLegacy(file);
    }
    throw BadInputException.of(file, null, null, null,
        "not a PyTorch checkpoint (neither a torch.save zip archive nor a legacy pickle file)");
  }

  private static Object readZip(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      String prefix = null;
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        String name = en.nextElement().getName();
        if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
          if (prefix != null) {
            throw BadInputException.of(file, name, null, null,
                "more than one data.pkl in the archive");
          }
          prefix = name.substring(0, name.length() - "data.pkl".length());
        }
      }
      if (prefix == null) {
        throw BadInputException.of(file, null, null, null,
            "a zip archive without <folder>/data.pkl: not a torch.save file");
      }
      String top = prefix;
      ByteOrder order = ByteOrder.LITTLE_ENDIAN;
      ZipEntry byteorder = zip.getEntry(top + "byteorder");
      if (byteorder != null) {
        String text = new String(readEntry(zip, byteorder, file), StandardCharsets.US_ASCII).trim();
        if (text.equals("big")) {
          order = ByteOrder.BIG_ENDIAN;
        } else if (!text.equals("little")) {
          throw BadInputException.of(file, top + "byteorder", null, text, "unknown byte order");
        }
      }
      ByteOrder byteOrder = order;
      byte[] pickle = readEntry(zip, zip.getEntry(top + "data.pkl"), file);
      Map<String, Storage> storages = new HashMap<>();
      RestrictedUnpickler.PersistentLoader loader =
          pid -> {
            StorageId id = StorageId.parse(file, top + "data.pkl", pid);
            Storage s = storages.get(id.key);
            if (s == null) {
              String entryName = top + "data/" + id.key;
              Supplier<byte[]> bytes =
                  () -> {
                    ZipEntry entry = zip.getEntry(entryName);
                    if (entry == null) {
                      throw BadInputException.of(file, entryName, null, null,
                          "storage missing from the archive");
                    }
                    return readEntry(zip, entry, file);
                  };
              s = new LazyStorage(file, entryName, id.key, id.dtype, id.numel, byteOrder, bytes);
              storages.put(id.key, s);
            }
            return id.view(file, s);
          };
      Object top0 = new RestrictedUnpickler(file, top + "data.pkl", pickle, 0, loader).load();
      // Copy everything the object needs while the archive is open.
      for (Storage s : storages.values()) {
        ((LazyStorage) s).load();
      }
      return top0;
    } catch (IOException e) {
      throw zipFailure(file, null, e);
    }
  }

  /**
   * The exception for an I/O failure while reading a zip archive: a missing or unreadable file is
   * an I/O problem; anything else (bad central directory, bad offsets, CRC mismatch) means the
   * archive is damaged, which is bad input.
   */
  static RuntimeException zipFailure(Path file, String entry, IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException
        || e instanceof java.nio.file.AccessDeniedException
        || e instanceof java.io.FileNotFoundException) {
      return new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return BadInputException.of(file, entry, null, null, "damaged zip archive: " + why);
  }

  private static byte[] readEntry(ZipFile zip, ZipEntry entry, Path file) {
    if (entry.getSize() > Integer.MAX_VALUE - 16) {
      throw BadInputException.of(file, entry.getName(), null, entry.getSize(),
          "entry larger than 2 GB is not supported");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw zipFailure(file, entry.getName(), e);
    }
  }

  private static Object readLegacy(Path file) {
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    RestrictedUnpickler magic = new RestrictedUnpickler(file, "magic number", data, 0, null);
    Object m = magic.load();
    if (!(m instanceof BigInteger b) || !b.equals(LEGACY_MAGIC)) {
      throw BadInputException.of(file, "magic number", null, String.valueOf(m),
          "not a PyTorch legacy checkpoint");
    }
    RestrictedUnpickler protocol =
        new RestrictedUnpickler(file, "protocol version", data, magic.position(), null);
    Object p = protocol.load();
    if (!Long.valueOf(LEGACY_PROTOCOL_VERSION).equals(p)) {
      throw BadInputException.of(file, "protocol version", null, String.valueOf(p),
          "unsupported legacy protocol version (expected " + LEGACY_PROTOCOL_VERSION + ")");
    }
    RestrictedUnpickler sysInfo =
        new RestrictedUnpickler(file, "system info", data, protocol.position(), null);
    Object info = sysInfo.load();
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    if (info instanceof Map<?, ?> map && Boolean.FALSE.equals(map.get("little_endian"))) {
      order = ByteOrder.BIG_ENDIAN;
    }
    ByteOrder byteOrder = order;
    Map<String, LazyStorage> storages = new LinkedHashMap<>();
    RestrictedUnpickler main =
        new RestrictedUnpickler(file, "main pickle", data, sysInfo.position(),
            pid -> {
              StorageId id = StorageId.parse(file, "main pickle", pid);
              LazyStorage s = storages.get(id.key);
              if (s == null) {
                String key = id.key;
                s = new LazyStorage(file, "storage " + key, key, id.dtype, id.numel, byteOrder,
                    () -> {
                      throw BadInputException.of(file, "storage " + key, null, null,
                          "storage not in the file's storage list");
                    });
                storages.put(key, s);
              }
              return id.view(file, s);
            });
    Object top = main.load();
    RestrictedUnpickler keysPickle =
        new RestrictedUnpickler(file, "storage keys", data, main.position(), null);
    Object keys = keysPickle.load();
    if (!(keys instanceof List<?> keyList)) {
      throw BadInputException.of(file, "storage keys", null, RestrictedUnpickler.typeName(keys),
          "expected a list of storage keys");
    }
    int at = keysPickle.position();
    for (Object k : keyList) {
      String key = String.valueOf(k);
      LazyStorage s = storages.get(key);
      if (at + 8 > data.length) {
        throw BadInputException.of(file, "storage " + key, null, null,
            "truncated file: the storage's element count is missing");
      }
      long count = java.nio.ByteBuffer.wrap(data, at, 8).order(byteOrder).getLong();
      at += 8;
      int elementSize = s != null ? s.dtype().byteSize() : 1;
      if (count < 0 || count > (data.length - at) / elementSize) {
        throw BadInputException.of(file, "storage " + key, null, count,
            "truncated file: the storage needs " + count + " elements of " + elementSize
                + " bytes, " + (data.length - at) + " bytes are left");
      }
      int length = (int) (count * elementSize);
      if (s == null) {
        at += length; // a storage no tensor uses
        continue;
      }
      s.load(data, at, length);
      at += length;
    }
    for (LazyStorage s : storages.values()) {
      s.load();
    }
    return top;
  }

  // ---- storages and tensors ----

  /** A parsed persistent id: {@code ('storage', torch.XStorage, key, location, numel[, view])}. */
  private record StorageId(String key, DType dtype, long numel, long viewOffset, long viewNumel) {

    static StorageId parse(Path file, String part, Object pid) {
      if (!(pid instanceof PyTuple t) || t.size() < 5 || !"storage".equals(t.get(0))) {
        throw BadInputException.of(file, part, null, String.valueOf(pid),
            "unsupported persistent id (expected ('storage', type, key, location, size))");
      }
      if (!(t.get(1) instanceof RestrictedUnpickler.Global g) || !g.module().equals("torch")) {
        throw BadInputException.of(file, part, null, String.valueOf(t.get(1)),
            "persistent id without a torch storage type");
      }
      DType dtype = DType.fromTorchStorage(g.name()).orElseThrow(
          () -> BadInputException.of(file, part, null, g.qualifiedName(),
              "unsupported storage type"));
      String key = String.valueOf(t.get(2));
      if (!(t.get(4) instanceof Long numel) || numel < 0) {
        throw BadInputException.of(file, part, "storage " + key, String.valueOf(t.get(4)),
            "bad storage size");
      }
      long viewOffset = 0;
      long viewNumel = -1;
      if (t.size() > 5 && t.get(5) != null) {
        // Legacy storage views: (view_key, offset, view_size).
        if (!(t.get(5) instanceof PyTuple v) || v.size() != 3
            || !(v.get(1) instanceof Long off) || !(v.get(2) instanceof Long size)) {
          throw BadInputException.of(file, part, "storage " + key, String.valueOf(t.get(5)),
              "bad storage view");
        }
        viewOffset = off;
        viewNumel = size;
      }
      return new StorageId(key, dtype, numel, viewOffset, viewNumel);
    }

    Storage view(Path file, Storage root) {
      if (viewNumel < 0) {
        return root;
      }
      return new Storage() {
        @Override
        public String key() {
          return root.key() + "[" + viewOffset + ":+" + viewNumel + "]";
        }

        @Override
        public DType dtype() {
          return root.dtype();
        }

        @Override
        public long numel() {
          return viewNumel;
        }

        @Override
        public Object values() {
          Object all = root.values();
          int total = java.lang.reflect.Array.getLength(all);
          if (viewOffset < 0 || viewOffset + viewNumel > total) {
            throw BadInputException.of(file, "storage " + key(), null, null,
                "storage view outside its storage of " + total + " elements");
          }
          Object out = java.lang.reflect.Array.newInstance(
              all.getClass().getComponentType(), (int) viewNumel);
          System.arraycopy(all, (int) viewOffset, out, 0, (int) viewNumel);
          return out;
        }
      };
    }
  }

  /** A storage decoded on first use and kept, so tensors sharing it decode it once. */
  private static final class LazyStorage implements Storage {
    private final Path file;
    private final String part;
    private final String key;
    private final DType dtype;
    private final long numel;
    private final ByteOrder order;
    private final Supplier<byte[]> bytes;
    private Object values;

    LazyStorage(Path file, String part, String key, DType dtype, long numel, ByteOrder order,
        Supplier<byte[]> bytes) {
      this.file = file;
      this.part = part;
      this.key = key;
      this.dtype = dtype;
      this.numel = numel;
      this.order = order;
      this.bytes = bytes;
    }

    /** Decodes the storage from the bytes the supplier gives (a zip entry). */
    void load() {
      if (values == null) {
        byte[] b = bytes.get();
        load(b, 0, b.length);
      }
    }

    /** Decodes the storage from {@code length} bytes of {@code b} at {@code offset}. */
    void load(byte[] b, int offset, int length) {
      if (numel > Integer.MAX_VALUE / Math.max(1, dtype.byteSize())) {
        throw BadInputException.of(file, part, null, numel, "storage too large (over 2 GB)");
      }
      long needed = numel * dtype.byteSize();
      if (length < needed) {
        throw BadInputException.of(file, part, null, length + " bytes",
            "truncated storage: " + numel + " " + dtype.id() + " elements need " + needed
                + " bytes");
      }
      values = RawTensors.decode(b, offset, (int) numel, dtype, order);
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public DType dtype() {
      return dtype;
    }

    @Override
    public long numel() {
      return numel;
    }

    @Override
    public Object values() {
      load();
      return values;
    }
  }

  private static StoredTensor materialise(Path file, String name, TensorRef ref) {
    Storage s = ref.storage();
    Object values = s.values();
    int storageNumel = java.lang.reflect.Array.getLength(values);
    Object data = RawTensors.gather(values, storageNumel, ref.offset(), ref.size(), ref.stride());
    if (data == null) {
      throw BadInputException.of(file, name, null, null,
          "tensor of size " + Arrays.toString(ref.size()) + ", stride "
              + Arrays.toString(ref.stride()) + " at offset " + ref.offset()
              + " reaches outside its storage '" + s.key() + "' of " + storageNumel + " elements");
    }
    return new StoredTensor(s.dtype(), ref.size(), data);
  }

  private static Object materialiseAll(Path file, String path, Object o, int depth) {
    if (depth > MAX_DEPTH) {
      throw BadInputException.of(file, path.length() > 80 ? path.substring(0, 80) + "..." : path,
          null, null, "values nested deeper than " + MAX_DEPTH + " levels (or a container that"
              + " contains itself)");
    }
    if (o instanceof TensorRef ref) {
      return materialise(file, path, ref);
    }
    if (o instanceof Map<?, ?> map) {
      LinkedHashMap<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String child = path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey();
        out.put(e.getKey(), materialiseAll(file, child, e.getValue(), depth + 1));
      }
      return out;
    }
    if (o instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        out.add(materialiseAll(file, path + "[" + i + "]", list.get(i), depth + 1));
      }
      return out;
    }
    if (o instanceof PyTuple t) {
      List<Object> out = new ArrayList<>(t.size());
      for (int i = 0; i < t.size(); i++) {
        out.add(materialiseAll(file, path + "[" + i + "]", t.get(i), depth + 1));
      }
      return new PyTuple(out);
    }
    if (o instanceof Storage || o instanceof RestrictedUnpickler.Global) {
      throw BadInputException.of(file, path, null, RestrictedUnpickler.typeName(o),
          "a bare storage or type outside a tensor is not supported");
    }
    return o;
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (data[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(List<String> items) {
    if (items.size() <= 5) {
      return String.join(", ", items);
    }
    return String.join(", ", items.subList(0, 5)) + " and " + (items.size() - 5) + " more";
  }
}

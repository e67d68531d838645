package io.ticketlab.model.io;

import io.ticketlab.common.BadInputException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle reader that understands only what PyTorch state dicts need and executes nothing.
 *
 * <p>Python's own unpickler calls whatever callable a pickle names, which lets a crafted
 * checkpoint run arbitrary code. This one interprets the data opcodes (numbers, strings, bytes,
 * tuples, lists, dicts, sets, memo, marks, persistent ids) itself and accepts a global only from a
 * fixed allow-list of tensor-rebuild functions, storage types and {@code OrderedDict}; each allowed
 * callable is re-implemented here in Java. Any other global ({@code os.system}, {@code
 * builtins.eval}, a model class, ...) and any object-building opcode that would need one is
 * refused with a {@link BadInputException} naming the file and the global.
 *
 * <p>Python values become: None → {@code null}, bool → {@link Boolean}, int → {@link Long} (or
 * {@link BigInteger} when it does not fit), float → {@link Double}, str → {@link String}, bytes →
 * {@code byte[]}, tuple → {@link PyTuple}, list → {@link ArrayList}, dict and OrderedDict →
 * {@link LinkedHashMap}, set → {@link LinkedHashSet}, {@code argparse.Namespace} → a map of its
 * attributes, tensor → {@link TensorRef} (materialised later, when its name is known).
 */
final class RestrictedUnpickler {

  /** Resolves a persistent id (PyTorch's storage reference) to a storage. */
  @FunctionalInterface
  interface PersistentLoader {
    Object load(Object pid);
  }

  /** An allowed global, e.g. {@code torch._utils._rebuild_tensor_v2}. */
  record Global(String module, String name) {
    String qualifiedName() {
      return module + "." + name;
    }

    @Override
    public String toString() {
      return qualifiedName();
    }
  }

  /** A storage referenced by a tensor: its dtype, its element count and how to get its values. */
  interface Storage {
    String key();

    DType dtype();

    long numel();

    /** The decoded values (a primitive array of {@link #numel()} elements). */
    Object values();
  }

  /** A tensor as the pickle describes it: a strided view of a storage, not yet copied. */
  record TensorRef(Storage storage, long offset, int[] size, long[] stride) {}

  private static final Set<String> STORAGE_TYPES = new LinkedHashSet<>();
  private static final Set<String> ALLOWED = new LinkedHashSet<>();

  static {
    for (DType t : DType.values()) {
      STORAGE_TYPES.add("torch." + t.torchStorage());
    }
    ALLOWED.addAll(STORAGE_TYPES);
    ALLOWED.addAll(
        List.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor",
            "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state",
            "torch._tensor._rebuild_from_type_v2",
            "torch.Tensor",
            "torch.nn.parameter.Parameter",
            "argparse.Namespace",
            "builtins.set",
            "builtins.frozenset",
            "_codecs.encode"));
  }

  /** The globals this reader accepts, for documentation and error messages. */
  static Set<String> allowedGlobals() {
    return java.util.Collections.unmodifiableSet(ALLOWED);
  }

  private final Path file;
  private final String part;
  private final byte[] data;
  private final PersistentLoader loader;
  private int pos;
  private final ArrayList<Object> stack = new ArrayList<>();
  private final ArrayList<Integer> marks = new ArrayList<>();
  private final Map<Long, Object> memo = new HashMap<>();

  /**
   * @param file the file, for error messages
   * @param part the part of the file (e.g. {@code "archive/data.pkl"}), for error messages
   * @param data the bytes
   * @param start where the pickle starts in {@code data}
   * @param loader resolves persistent ids; null to refuse them
   */
  RestrictedUnpickler(Path file, String part, byte[] data, int start, PersistentLoader loader) {
    this.file = file;
    this.part = part;
    this.data = data;
    this.pos = start;
    this.loader = loader;
  }

  /** The position just after the last STOP read. */
  int position() {
    return pos;
  }

  private BadInputException bad(Object value, String problem) {
    return BadInputException.of(file, part, null, value, problem);
  }

  /** Reads one pickle up to its STOP opcode and returns its value. */
  Object load() {
    stack.clear();
    marks.clear();
    memo.clear();
    while (true) {
      int opAt = pos;
      int op = u8();
      switch (op) {
        case 0x80 -> { // PROTO
          int protocol = u8();
          if (protocol > 5) {
            throw bad(protocol, "unsupported pickle protocol");
          }
        }
        case 0x95 -> skip(8); // FRAME: framing is just a hint for buffered readers
        case 0x2e -> { // STOP
          if (stack.size() != 1 || !marks.isEmpty()) {
            throw bad(null, "malformed pickle: " + stack.size() + " values left at STOP");
          }
          return stack.remove(0);
        }
        case 0x28 -> marks.add(stack.size()); // MARK
        case 0x30 -> pop(); // POP
        case 0x31 -> popMark(); // POP_MARK
        case 0x32 -> push(peek()); // DUP
        case 0x4e -> push(null); // NONE
        case 0x88 -> push(Boolean.TRUE); // NEWTRUE
        case 0x89 -> push(Boolean.FALSE); // NEWFALSE
        case 0x4a -> push((long) i32()); // BININT
        case 0x4b -> push((long) u8()); // BININT1
        case 0x4d -> push((long) (u8() | (u8() << 8))); // BININT2
        case 0x8a -> push(longFromBytes(u8())); // LONG1
        case 0x8b -> push(longFromBytes(length(i32()))); // LONG4
        case 0x49 -> push(textInt(line())); // INT
        case 0x4c -> { // LONG
          String s = line();
          String digits = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
          try {
            push(narrow(new BigInteger(digits)));
          } catch (NumberFormatException e) {
            throw bad(s, "malformed pickle: bad LONG");
          }
        }
        case 0x47 -> push(Double.longBitsToDouble(i64BigEndian())); // BINFLOAT
        case 0x46 -> push(parseDouble(line())); // FLOAT
        case 0x58 -> push(utf8(length(i32()))); // BINUNICODE
        case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
        case 0x8d -> push(utf8(length(i64()))); // BINUNICODE8
        case 0x55 -> push(latin1(u8())); // SHORT_BINSTRING (Python 2 str)
        case 0x54 -> push(latin1(length(i32()))); // BINSTRING
        case 0x43 -> push(bytes(u8())); // SHORT_BINBYTES
        case 0x42 -> push(bytes(length(i32()))); // BINBYTES
        case 0x8e -> push(bytes(length(i64()))); // BINBYTES8
        case 0x29 -> push(new PyTuple(List.of())); // EMPTY_TUPLE
        case 0x74 -> push(new PyTuple(popMark())); // TUPLE
        case 0x85 -> push(new PyTuple(popN(1))); // TUPLE1
        case 0x86 -> push(new PyTuple(popN(2))); // TUPLE2
        case 0x87 -> push(new PyTuple(popN(3))); // TUPLE3
        case 0x5d -> push(new ArrayList<>()); // EMPTY_LIST
        case 0x6c -> push(new ArrayList<>(popMark())); // LIST
        case 0x61 -> { // APPEND
          Object value = pop();
          asList(peek()).add(value);
        }
        case 0x65 -> { // APPENDS
          List<Object> items = popMark();
          asList(peek()).addAll(items);
        }
        case 0x7d -> push(new LinkedHashMap<>()); // EMPTY_DICT
        case 0x64 -> { // DICT
          List<Object> items = popMark();
          Map<Object, Object> map = new LinkedHashMap<>();
          putPairs(map, items);
          push(map);
        }
        case 0x73 -> { // SETITEM
          Object value = pop();
          Object key = pop();
          asMap(peek()).put(hashable(key), value);
        }
        case 0x75 -> { // SETITEMS
          List<Object> items = popMark();
          putPairs(asMap(peek()), items);
        }
        case 0x8f -> push(new LinkedHashSet<>()); // EMPTY_SET
        case 0x90 -> { // ADDITEMS
          List<Object> items = popMark();
          Object set = peek();
          if (!(set instanceof Set<?>)) {
            throw bad(typeName(set), "ADDITEMS on something that is not a set");
          }
          @SuppressWarnings("unchecked")
          Set<Object> s = (Set<Object>) set;
          for (Object item : items) {
            s.add(hashable(item));
          }
        }
        case 0x91 -> push(new LinkedHashSet<>(popMark())); // FROZENSET
        case 0x71 -> memo.put((long) u8(), peek()); // BINPUT
        case 0x72 -> memo.put(u32(), peek()); // LONG_BINPUT
        case 0x70 -> memo.put(parseLong(line()), peek()); // PUT
        case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
        case 0x68 -> push(memoGet(u8())); // BINGET
        case 0x6a -> push(memoGet(u32())); // LONG_BINGET
        case 0x67 -> push(memoGet(parseLong(line()))); // GET
        case 0x63 -> { // GLOBAL
          String module = line();
          String name = line();
          push(global(module, name));
        }
        case 0x93 -> { // STACK_GLOBAL
          Object name = pop();
          Object module = pop();
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw bad(null, "malformed pickle: STACK_GLOBAL needs two strings");
          }
          push(global(m, n));
        }
        case 0x51 -> { // BINPERSID
          Object pid = pop();
          if (loader == null) {
            throw bad(pid, "unexpected persistent id (storage reference) in this part of the file");
          }
          push(loader.load(pid));
        }
        case 0x52 -> { // REDUCE
          Object args = pop();
          Object callable = pop();
          push(call(callable, args));
        }
        case 0x62 -> { // BUILD
          Object state = pop();
          build(peek(), state);
        }
        case 0x81 -> { // NEWOBJ
          Object args = pop();
          Object cls = pop();
          push(newObject(cls, args));
        }
        case 0x69, 0x6f, 0x92 -> // INST, OBJ, NEWOBJ_EX
            throw bad(opcodeName(op), "refused pickle opcode at byte " + opAt
                + ": it builds arbitrary objects, which a state dict never needs");
        case 0x82, 0x83, 0x84 -> // EXT1, EXT2, EXT4
            throw bad(opcodeName(op), "refused pickle opcode at byte " + opAt
                + ": extension registry globals are not allowed");
        default -> throw bad(String.format("0x%02x", op), "unsupported pickle opcode at byte "
            + opAt + " (only the opcodes PyTorch state dicts use are read)");
      }
    }
  }

  private static String opcodeName(int op) {
    return switch (op) {
      case 0x69 -> "INST";
      case 0x6f -> "OBJ";
      case 0x92 -> "NEWOBJ_EX";
      case 0x82 -> "EXT1";
      case 0x83 -> "EXT2";
      case 0x84 -> "EXT4";
      default -> String.format("0x%02x", op);
    };
  }

  // ---- globals and the allowed callables, re-implemented ----

  private Global global(String pickledModule, String name) {
    // Protocols 0-2 write Python 2 module names for builtins; read them as Python 3 does.
    String module = switch (pickledModule) {
      case "__builtin__" -> "builtins";
      case "copy_reg" -> "copyreg";
      default -> pickledModule;
    };
    String qualified = module + "." + name;
    if (!ALLOWED.contains(qualified)) {
      throw bad(qualified, "refused global: this pickle references a Python object that is not part"
          + " of a state dict and could execute code; only tensors, storages, OrderedDict and plain"
          + " values are accepted (save the model with torch.save(model.state_dict(), path))");
    }
    return new Global(module, name);
  }

  private Object call(Object callable, Object args) {
    if (!(callable instanceof Global g)) {
      throw bad(typeName(callable), "refused REDUCE: the callable is not an allowed global");
    }
    PyTuple a = asTuple(args, g);
    switch (g.qualifiedName()) {
      case "collections.OrderedDict" -> {
        Map<Object, Object> map = new LinkedHashMap<>();
        if (a.size() == 1 && a.get(0) instanceof List<?> pairs) {
          for (Object pair : pairs) {
            if (!(pair instanceof PyTuple p) && !(pair instanceof List<?>)) {
              throw bad(typeName(pair), "OrderedDict item is not a pair");
            }
            List<?> kv = pair instanceof PyTuple p ? p.items() : (List<?>) pair;
            if (kv.size() != 2) {
              throw bad(kv.size(), "OrderedDict item is not a pair");
            }
            map.put(hashable(kv.get(0)), kv.get(1));
          }
        } else if (a.size() != 0) {
          throw bad(a, "unexpected OrderedDict arguments");
        }
        return map;
      }
      case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2" -> {
        if (a.size() < 4) {
          throw bad(a.size(), g + " needs at least 4 arguments");
        }
        return rebuildTensor(a.get(0), a.get(1), a.get(2), a.get(3));
      }
      case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
        if (a.size() < 1 || !(a.get(0) instanceof TensorRef)) {
          throw bad(a.size() == 0 ? null : typeName(a.get(0)), g + " expects a tensor");
        }
        return a.get(0);
      }
      case "torch._tensor._rebuild_from_type_v2" -> {
        if (a.size() < 3) {
          throw bad(a.size(), g + " needs at least 3 arguments");
        }
        Object type = a.get(1);
        if (!(type instanceof Global t)
            || !(t.qualifiedName().equals("torch.Tensor")
                || t.qualifiedName().equals("torch.nn.parameter.Parameter"))) {
          throw bad(String.valueOf(type), "refused tensor subclass");
        }
        Object result = call(a.get(0), a.get(2));
        if (!(result instanceof TensorRef)) {
          throw bad(typeName(result), g + " did not rebuild a tensor");
        }
        return result;
      }
      case "builtins.set", "builtins.frozenset" -> {
        Set<Object> set = new LinkedHashSet<>();
        if (a.size() == 1 && a.get(0) instanceof List<?> items) {
          for (Object item : items) {
            set.add(hashable(item));
          }
        } else if (a.size() != 0) {
          throw bad(a, "unexpected set arguments");
        }
        return set;
      }
      case "_codecs.encode" -> {
        // Protocol 2 writes Python 3 bytes as _codecs.encode(text, 'latin1').
        if (a.size() != 2 || !(a.get(0) instanceof String s)
            || !("latin1".equals(a.get(1)) || "latin-1".equals(a.get(1)))) {
          throw bad(a, "only _codecs.encode(text, 'latin1') is accepted");
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
      }
      default -> throw bad(g.qualifiedName(), "refused REDUCE: " + g + " is not callable here");
    }
  }

  /**
   * The attributes of an {@code argparse.Namespace}, which training scripts save next to the
   * state dict ({@code {'model': ..., 'args': args}}): plain data, read as a map.
   */
  static final class Namespace extends LinkedHashMap<Object, Object> {
    private static final long serialVersionUID = 1L;
  }

  private Object newObject(Object cls, Object args) {
    if (cls instanceof Global g && g.qualifiedName().equals("collections.OrderedDict")) {
      return new LinkedHashMap<Object, Object>();
    }
    if (cls instanceof Global g && g.qualifiedName().equals("argparse.Namespace")) {
      return new Namespace();
    }
    throw bad(String.valueOf(cls),
        "refused NEWOBJ: only OrderedDict and argparse.Namespace may be built this way");
  }

  private void build(Object target, Object state) {
    if (target instanceof Namespace ns) {
      if (!(state instanceof Map<?, ?> attributes)) {
        throw bad(typeName(state), "argparse.Namespace state is not a dict");
      }
      ns.putAll(attributes);
      return;
    }
    // OrderedDict carries instance attributes (state_dict's _metadata): not needed, ignored.
    if (target instanceof Map<?, ?> || target instanceof TensorRef) {
      return;
    }
    throw bad(typeName(target), "refused BUILD: only OrderedDict state is accepted");
  }

  private TensorRef rebuildTensor(Object storage, Object offset, Object size, Object stride) {
    if (!(storage instanceof Storage s)) {
      throw bad(typeName(storage), "tensor rebuild without a storage");
    }
    long off = asLong(offset, "storage offset");
    int[] shape = intTuple(size, "size");
    long[] strides = new long[shape.length];
    int[] rawStride = intTuple(stride, "stride");
    if (rawStride.length != shape.length) {
      throw bad(Arrays.toString(rawStride), "stride has " + rawStride.length + " entries for size "
          + Arrays.toString(shape));
    }
    for (int i = 0; i < shape.length; i++) {
      strides[i] = rawStride[i];
    }
    return new TensorRef(s, off, shape, strides);
  }

  private int[] intTuple(Object o, String what) {
    List<?> items;
    if (o instanceof PyTuple t) {
      items = t.items();
    } else if (o instanceof List<?> l) {
      items = l;
    } else {
      throw bad(typeName(o), "tensor " + what + " is not a tuple");
    }
    int[] out = new int[items.size()];
    for (int i = 0; i < out.length; i++) {
      long v = asLong(items.get(i), "tensor " + what);
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw bad(v, "tensor " + what + " out of range");
      }
      out[i] = (int) v;
    }
    return out;
  }

  private long asLong(Object o, String what) {
    if (o instanceof Long l) {
      return l;
    }
    throw bad(typeName(o), what + " is not an integer");
  }

  private PyTuple asTuple(Object args, Global g) {
    if (args instanceof PyTuple t) {
      return t;
    }
    throw bad(typeName(args), "arguments of " + g + " are not a tuple");
  }

  // ---- stack helpers ----

  private void push(Object o) {
    stack.add(o);
  }

  private Object pop() {
    if (stack.isEmpty() || (!marks.isEmpty() && marks.get(marks.size() - 1) >= stack.size())) {
      throw bad(null, "malformed pickle: stack underflow at byte " + pos);
    }
    return stack.remove(stack.size() - 1);
  }

  private Object peek() {
    if (stack.isEmpty()) {
      throw bad(null, "malformed pickle: empty stack at byte " + pos);
    }
    return stack.get(stack.size() - 1);
  }

  private List<Object> popN(int n) {
    if (stack.size() < n) {
      throw bad(null, "malformed pickle: stack underflow at byte " + pos);
    }
    List<Object> sub = stack.subList(stack.size() - n, stack.size());
    List<Object> out = new ArrayList<>(sub);
    sub.clear();
    return out;
  }

  private List<Object> popMark() {
    if (marks.isEmpty()) {
      throw bad(null, "malformed pickle: no MARK at byte " + pos);
    }
    int at = marks.remove(marks.size() - 1);
    return popN(stack.size() - at);
  }

  private Object memoGet(long key) {
    if (!memo.containsKey(key)) {
      throw bad(key, "malformed pickle: memo key not set");
    }
    return memo.get(key);
  }

  @SuppressWarnings("unchecked")
  private List<Object> asList(Object o) {
    if (o instanceof List<?>) {
      return (List<Object>) o;
    }
    throw bad(typeName(o), "APPEND on something that is not a list");
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> asMap(Object o) {
    if (o instanceof Map<?, ?>) {
      return (Map<Object, Object>) o;
    }
    throw bad(typeName(o), "SETITEM on something that is not a dict");
  }

  private void putPairs(Map<Object, Object> map, List<Object> items) {
    if (items.size() % 2 != 0) {
      throw bad(items.size(), "malformed pickle: odd number of dict items");
    }
    for (int i = 0; i < items.size(); i += 2) {
      map.put(hashable(items.get(i)), items.get(i + 1));
    }
  }

  private Object hashable(Object key) {
    if (key == null || key instanceof String || key instanceof Long || key instanceof Boolean
        || key instanceof Double || key instanceof BigInteger || key instanceof PyTuple) {
      return key;
    }
    throw bad(typeName(key), "unsupported dict key type");
  }

  static String typeName(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof Global g) {
      return g.qualifiedName();
    }
    if (o instanceof TensorRef) {
      return "tensor";
    }
    if (o instanceof Storage) {
      return "storage";
    }
    return o.getClass().getSimpleName();
  }

  // ---- byte reading ----

  private void need(long n) {
    if (n < 0 || pos + n > data.length) {
      throw bad(null, "truncated pickle: needs " + n + " more bytes at byte " + pos + " of "
          + data.length);
    }
  }

  private int u8() {
    need(1);
    return data[pos++] & 0xff;
  }

  private void skip(int n) {
    need(n);
    pos += n;
  }

  private int i32() {
    need(4);
    int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16
        | (data[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  private long u32() {
    return i32() & 0xffffffffL;
  }

  private long i64() {
    long lo = u32();
    long hi = u32();
    return lo | (hi << 32);
  }

  private long i64BigEndian() {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (data[pos++] & 0xff);
    }
    return v;
  }

  private int length(long n) {
    if (n < 0 || n > data.length - pos) {
      throw bad(n, "truncated pickle: length beyond the end of the data at byte " + pos);
    }
    return (int) n;
  }

  private byte[] bytes(int n) {
    need(n);
    byte[] out = Arrays.copyOfRange(data, pos, pos + n);
    pos += n;
    return out;
  }

  private String utf8(int n) {
    need(n);
    String s = new String(data, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  private String latin1(int n) {
    need(n);
    String s = new String(data, pos, n, StandardCharsets.ISO_8859_1);
    pos += n;
    return s;
  }

  private String line() {
    int start = pos;
    while (pos < data.length && data[pos] != '\n') {
      pos++;
      if (pos - start > 4096) {
        throw bad(null, "malformed pickle: text line longer than 4096 bytes at byte " + start);
      }
    }
    if (pos >= data.length) {
      throw bad(null, "truncated pickle: unterminated text line at byte " + start);
    }
    String s = new String(data, start, pos - start, StandardCharsets.UTF_8);
    pos++;
    return s;
  }

  private Object longFromBytes(int n) {
    if (n == 0) {
      return 0L;
    }
    byte[] little = bytes(n);
    byte[] big = new byte[n];
    for (int i = 0; i < n; i++) {
      big[i] = little[n - 1 - i];
    }
    return narrow(new BigInteger(big));
  }

  private static Object narrow(BigInteger v) {
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  private Object textInt(String s) {
    if (s.equals("00")) {
      return Boolean.FALSE;
    }
    if (s.equals("01")) {
      return Boolean.TRUE;
    }
    try {
      return narrow(new BigInteger(s));
    } catch (NumberFormatException e) {
      throw bad(s, "malformed pickle: bad INT");
    }
  }

  private long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw bad(s, "malformed pickle: bad memo key");
    }
  }

  private double parseDouble(String s) {
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw bad(s, "malformed pickle: bad FLOAT");
    }
  }
}

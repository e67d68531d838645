package io.ticketlab.model.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a state dict in {@code torch.save}'s zip format (PyTorch ≥ 1.6), as torch lays it out:
 * {@code NAME/data.pkl} (protocol-2 pickle of an {@code OrderedDict} whose tensors are
 * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
 * OrderedDict())}, each storage a persistent id {@code ('storage', torch.FloatStorage, key, 'cpu',
 * numel)}), {@code NAME/data/KEY} (each storage's little-endian bytes), {@code NAME/version} and
 * {@code NAME/byteorder}. For tests that need checkpoints the size of real networks without Python;
 * float32 and int64 tensors only, contiguous, one storage each.
 */
final class TorchSaveWriter {
  /** A tensor to write: float32 {@code floats} or int64 {@code longs} (the other null). */
  record Tensor(int[] shape, float[] floats, long[] longs) {}

  private TorchSaveWriter() {}

  static void write(Path file, String archiveName, Map<String, Tensor> tensors) throws IOException {
    ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    pickle.write(0x80);
    pickle.write(2); // PROTO 2
    global(pickle, "collections", "OrderedDict");
    pickle.write(')'); // EMPTY_TUPLE
    pickle.write('R'); // REDUCE
    pickle.write('('); // MARK
    Map<String, byte[]> storages = new LinkedHashMap<>();
    int key = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      String storageKey = Integer.toString(key++);
      unicode(pickle, e.getKey());
      global(pickle, "torch._utils", "_rebuild_tensor_v2");
      pickle.write('(');
      pickle.write('(');
      unicode(pickle, "storage");
      global(pickle, "torch", t.floats() != null ? "FloatStorage" : "LongStorage");
      unicode(pickle, storageKey);
      unicode(pickle, "cpu");
      int numel = t.floats() != null ? t.floats().length : t.longs().length;
      binint(pickle, numel);
      pickle.write('t'); // TUPLE
      pickle.write('Q'); // BINPERSID
      binint(pickle, 0); // storage offset
      intTuple(pickle, t.shape());
      intTuple(pickle, strides(t.shape()));
      pickle.write(0x89); // NEWFALSE: requires_grad
      global(pickle, "collections", "OrderedDict");
      pickle.write(')');
      pickle.write('R'); // backward hooks
      pickle.write('t');
      pickle.write('R');
      ByteBuffer bytes;
      if (t.floats() != null) {
        bytes = ByteBuffer.allocate(4 * numel).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(t.floats());
      } else {
        bytes = ByteBuffer.allocate(8 * numel).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(t.longs());
      }
      storages.put(storageKey, bytes.array());
    }
    pickle.write('u'); // SETITEMS
    pickle.write('.'); // STOP
    try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
      entry(zip, archiveName + "/data.pkl", pickle.toByteArray());
      for (Map.Entry<String, byte[]> s : storages.entrySet()) {
        entry(zip, archiveName + "/data/" + s.getKey(), s.getValue());
      }
      entry(zip, archiveName + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
      entry(zip, archiveName + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  private static int[] strides(int[] shape) {
    int[] s = new int[shape.length];
    int acc = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= shape[i];
    }
    return s;
  }

  private static void global(ByteArrayOutputStream out, String module, String name) {
    out.write('c');
    out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static void unicode(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.write('X');
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
    out.writeBytes(b);
  }

  private static void binint(ByteArrayOutputStream out, int v) {
    out.write('J');
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
  }

  private static void intTuple(ByteArrayOutputStream out, int[] values) {
    if (values.length == 0) {
      out.write(')');
      return;
    }
    out.write('(');
    for (int v : values) {
      binint(out, v);
    }
    out.write('t');
  }
}

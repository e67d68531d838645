package io.ticketlab.cli;

import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.Checkpoints;
import io.ticketlab.storage.SparseCheckpoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads the float tensors of any weights file the commands accept: a TicketLab sparse checkpoint
 * (any storage format), a TicketLab training checkpoint, a PyTorch {@code .pth}, safetensors or
 * {@code .npz}; recognised from the content.
 */
final class WeightFiles {
  private static final byte[] SPARSE_MAGIC = "TLSPARSE".getBytes(StandardCharsets.US_ASCII);

  private WeightFiles() {}

  /** The tensors of a weights file and the name of its format. */
  record Loaded(Map<String, FloatTensor> tensors, String format) {}

  static Map<String, FloatTensor> readFloats(Path file) throws IOException {
    return read(file).tensors();
  }

  static Loaded read(Path file) throws IOException {
    byte[] head = new byte[SPARSE_MAGIC.length];
    int n = 0;
    try (InputStream in = io.ticketlab.common.InputFiles.open(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n == head.length && Arrays.equals(head, SPARSE_MAGIC)) {
      SparseCheckpoint.Contents c = SparseCheckpoint.read(file);
      return new Loaded(c.tensors(), c.format().name());
    }
    return new Loaded(
        Checkpoints.readStateDict(file).toFloatTensors(),
        Checkpoints.detect(file).name().toLowerCase(java.util.Locale.ROOT));
  }
}

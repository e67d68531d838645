package io.ticketlab.model.io;

import io.ticketlab.common.InputFiles;
import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One entry point for weights in any supported file: PyTorch {@code .pth}/{@code .pt} (zip or
 * legacy), safetensors, NumPy {@code .npz}/{@code .npy}, or a TicketLab checkpoint (its weights).
 * The format is recognised from the file's content, not its name.
 */
public final class Checkpoints {
  private Checkpoints() {}

  /** A file format this package reads. */
  public enum Format {
    PYTORCH_ZIP,
    PYTORCH_LEGACY,
    SAFETENSORS,
    NPZ,
    NPY,
    TICKETLAB
  }

  /** Reads the named tensors of {@code file} with {@link PthReader.Options#defaults()}. */
  public static StateDict readStateDict(Path file) {
    return readStateDict(file, PthReader.Options.defaults());
  }

  /**
   * Reads the named tensors of {@code file}, whatever its format. {@code options} choose where a
   * PyTorch checkpoint keeps its state dict; the {@code module.} prefix option applies to every
   * format.
   *
   * @throws BadInputException when the format is not recognised or the file is damaged
   */
  public static StateDict readStateDict(Path file, PthReader.Options options) {
    StateDict sd = switch (detect(file)) {
      case PYTORCH_ZIP, PYTORCH_LEGACY -> PthReader.readStateDict(file, options);
      case SAFETENSORS -> Safetensors.readStateDict(file);
      case NPZ -> NpzReader.read(file);
      case NPY -> StateDict.of(java.util.Map.of(stem(file), NpzReader.readNpy(file)));
      case TICKETLAB -> TicketCheckpoint.read(file).weights();
    };
    if (options.stripModulePrefix() && sd.allNamesStartWith("module.")) {
      sd = sd.withoutPrefix("module.", file);
    }
    return sd;
  }

  /** Recognises the format of {@code file} from its first bytes (and, for zips, its entries). */
  public static Format detect(Path file) {
    byte[] head;
    try (InputStream in = InputFiles.open(file)) {
      head = in.readNBytes(16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (startsWith(head, TicketCheckpoint.MAGIC)) {
      return Format.TICKETLAB;
    }
    if (startsWith(head, new byte[] {'P', 'K', 3, 4})) {
      return isTorchZip(file) ? Format.PYTORCH_ZIP : Format.NPZ;
    }
    if (startsWith(head, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'})) {
      return Format.NPY;
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0x80) {
      return Format.PYTORCH_LEGACY;
    }
    if (head.length >= 9 && head[8] == '{') {
      return Format.SAFETENSORS;
    }
    throw BadInputException.of(file, null, null, null,
        "unrecognised weights file (expected a PyTorch .pth, .safetensors, .npz, .npy or"
            + " TicketLab checkpoint)");
  }

  private static boolean isTorchZip(Path file) {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        if (en.nextElement().getName().endsWith("data.pkl")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw PthReader.zipFailure(file, null, e);
    }
  }

  private static boolean startsWith(byte[] data, byte[] prefix) {
    return data.length >= prefix.length
        && Arrays.equals(Arrays.copyOf(data, prefix.length), prefix);
  }

  private static String stem(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}

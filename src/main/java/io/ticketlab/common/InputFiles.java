package io.ticketlab.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one check of a path the user named, before anything reads or writes it: a folder where a
 * file is expected, a missing file, a file where a folder is expected, an output that exists as
 * the wrong kind — each a {@link BadInputException} naming the path and what is wrong with it
 * (exit code 2), never the operating system's "Is a directory" from deep inside a reader.
 *
 * <p>Every reader of a user file (COCO and VOC readers, weights and checkpoint readers) opens it
 * with {@link #open} or checks it with {@link #requireFile}; every writer goes through
 * {@link AtomicFiles}, which checks its target with {@link #requireWritableFile}.
 */
public final class InputFiles {
  private InputFiles() {}

  /**
   * Checks that {@code file} is an existing regular file that can be read.
   *
   * @return {@code file}
   * @throws BadInputException naming {@code file} when it is missing, a folder or unreadable
   */
  public static Path requireFile(Path file) {
    if (Files.isDirectory(file)) {
      throw BadInputException.of(file, null, null, null, "is a folder, expected a file");
    }
    if (!Files.exists(file)) {
      throw BadInputException.of(file, null, null, null, "no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw BadInputException.of(file, null, null, null, "not a regular file");
    }
    if (!Files.isReadable(file)) {
      throw BadInputException.of(file, null, null, null, "permission denied (cannot read it)");
    }
    return file;
  }

  /**
   * Checks that {@code dir} is an existing folder.
   *
   * @return {@code dir}
   * @throws BadInputException naming {@code dir} when it is missing or a file
   */
  public static Path requireFolder(Path dir) {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    if (Files.exists(dir)) {
      throw BadInputException.of(dir, null, null, null, "is a file, expected a folder");
    }
    throw BadInputException.of(dir, null, null, null, "no such folder");
  }

  /**
   * Checks that {@code target} can become a file: it is not a folder, and no file stands where a
   * folder above it should be.
   *
   * @return {@code target}
   * @throws BadInputException naming {@code target} (or the file in its way)
   */
  public static Path requireWritableFile(Path target) {
    if (Files.isDirectory(target)) {
      throw BadInputException.of(target, null, null, null, "is a folder, expected a file to write");
    }
    for (Path p = target.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p)) {
        break;
      }
      if (Files.exists(p)) {
        throw BadInputException.of(target, null, null, null,
            p + " is a file, so no folder can be created there");
      }
    }
    return target;
  }

  /**
   * Checks that {@code dir} is a folder or can be created as one (an output folder such as
   * {@code --out DIR}).
   *
   * @return {@code dir}
   * @throws BadInputException naming {@code dir} when a file stands there or above it
   */
  public static Path requireOutputFolder(Path dir) {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    if (Files.exists(dir)) {
      throw BadInputException.of(dir, null, null, null, "is a file, expected a folder to write into");
    }
    for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p)) {
        break;
      }
      if (Files.exists(p)) {
        throw BadInputException.of(dir, null, null, null,
            p + " is a file, so no folder can be created there");
      }
    }
    return dir;
  }

  /**
   * Opens a file the user named, after {@link #requireFile}.
   *
   * @throws BadInputException naming {@code file} when it cannot be opened for the reasons above
   */
  public static InputStream open(Path file) throws IOException {
    requireFile(file);
    try {
      return Files.newInputStream(file);
    } catch (NoSuchFileException e) {
      throw BadInputException.of(file, null, null, null, "no such file");
    } catch (AccessDeniedException e) {
      throw BadInputException.of(file, null, null, null, "permission denied (cannot read it)");
    }
  }
}

package io.ticketlab.data.folder;

import io.ticketlab.common.BadInputException;
import io.ticketlab.data.image.ImageDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A classification data set laid out as torchvision's {@code ImageFolder}: one sub-folder per
 * class, classes indexed in sorted folder-name order, images (JPEG, PNG, BMP, GIF) found
 * recursively inside each class folder, in sorted path order.
 */
public final class ImageFolder {
  /** File extensions read as images. */
  public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

  /** One image and its class index. */
  public record Sample(Path path, int label) {}

  private final Path root;
  private final List<String> classes;
  private final List<Sample> samples;

  private ImageFolder(Path root, List<String> classes, List<Sample> samples) {
    this.root = root;
    this.classes = Collections.unmodifiableList(classes);
    this.samples = Collections.unmodifiableList(samples);
  }

  /** Scans {@code root}; fails with a clear message when it has no class folder or no image. */
  public static ImageFolder scan(Path root) {
    if (!Files.isDirectory(root)) {
      throw BadInputException.of(root, null, null, null, "not a folder (expected one sub-folder per class)");
    }
    List<String> classes = new ArrayList<>();
    List<Sample> samples = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      dirs.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .forEach(classes::add);
      for (int c = 0; c < classes.size(); c++) {
        final int label = c;
        try (Stream<Path> files = Files.walk(root.resolve(classes.get(c)))) {
          files
              .filter(Files::isRegularFile)
              .filter(ImageFolder::isImage)
              .sorted()
              .forEach(p -> samples.add(new Sample(p, label)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
    }
    if (classes.isEmpty()) {
      throw BadInputException.of(root, null, null, null, "no class sub-folders found");
    }
    if (samples.isEmpty()) {
      throw BadInputException.of(
          root, null, null, null, "no images (" + String.join(", ", EXTENSIONS) + ") in its class folders");
    }
    return new ImageFolder(root, classes, samples);
  }

  static boolean isImage(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  public Path root() {
    return root;
  }

  /** Class names; the index in this list is the label. */
  public List<String> classes() {
    return classes;
  }

  public List<Sample> samples() {
    return samples;
  }

  public int size() {
    return samples.size();
  }

  /**
   * Checks that every image file is a whole JPEG, PNG, BMP or GIF ({@link ImageDecoder#checkFile}):
   * a training run calls this before it creates its run folder.
   *
   * @throws BadInputException naming the file
   */
  public void checkImageFiles() {
    for (Sample s : samples) {
      ImageDecoder.checkFile(s.path(), null);
    }
  }
}

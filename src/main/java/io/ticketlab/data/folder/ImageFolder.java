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
 * A classification data set laid out as torchvision's {@code ImageFolder}, with its samples in
 * torchvision's order, so that labels and sample indices are the same on both sides: every
 * sub-folder of the root is a class (hidden ones and symlinked ones too), classes indexed in
 * code-point order of their names; inside a class folder, symlinks followed, the files of each
 * folder in name order, folders in the order of their path strings (a folder's own files before
 * those of its sub-folders); a file is a sample when its lower-cased name ends with one of
 * torchvision's image extensions ({@link #EXTENSIONS}: not {@code .gif}). A class without one sample
 * is refused, as torchvision refuses it; so are TIFF, WebP, PPM and PGM samples, which torchvision
 * lists but TicketLab does not decode (the data set would otherwise differ from torchvision's).
 * {@code src/test/python/make_image_folder_fixture.py} records torchvision 0.14 on awkward trees.
 */
public final class ImageFolder {
  /** torchvision 0.14's {@code IMG_EXTENSIONS}, without the dot, in its order. */
  public static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png", "ppm", "bmp", "pgm", "tif", "tiff",
      "webp");

  /** The extensions of {@link #EXTENSIONS} that TicketLab's decoder reads. */
  public static final Set<String> READABLE = Set.of("jpg", "jpeg", "png", "bmp");

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

  /** Scans {@code root}; fails with a clear message when it is not a data set torchvision would read alike. */
  public static ImageFolder scan(Path root) {
    if (!Files.isDirectory(root)) {
      throw BadInputException.of(root, null, null, null, "not a folder (expected one sub-folder per class)");
    }
    List<String> classes = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(root)) {
      dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).forEach(classes::add);
    } catch (IOException e) {
      throw BadInputException.of(root, null, null, null, "cannot list (" + e.getMessage() + ")");
    }
    classes.sort(ImageFolder::compareCodePoints);
    if (classes.isEmpty()) {
      throw BadInputException.of(root, null, null, null, "no class sub-folders found");
    }
    List<Sample> samples = new ArrayList<>();
    List<String> empty = new ArrayList<>();
    for (int c = 0; c < classes.size(); c++) {
      int before = samples.size();
      for (Path p : classFiles(root.resolve(classes.get(c)))) {
        samples.add(new Sample(p, c));
      }
      if (samples.size() == before) {
        empty.add(classes.get(c));
      }
    }
    if (!empty.isEmpty()) {
      throw BadInputException.of(root, null, null, null, "no image (" + String.join(", ", EXTENSIONS)
          + ") in the class folder" + (empty.size() == 1 ? " " : "s ") + String.join(", ", empty)
          + " (torchvision's ImageFolder refuses it too; remove the folder or add images)");
    }
    for (Sample s : samples) {
      if (!READABLE.contains(extension(s.path().getFileName().toString()))) {
        throw BadInputException.of(s.path(), null, null, null, "a " + extension(s.path().getFileName().toString())
            + " image, which TicketLab does not read (it reads JPEG, PNG and BMP): convert the data set's such images"
            + " to PNG (torchvision's ImageFolder would include this file)");
      }
    }
    return new ImageFolder(root, classes, samples);
  }

  /**
   * The samples of one class folder in torchvision's order: symlinks followed, folders by their path
   * string, each folder's files by name.
   */
  private static List<Path> classFiles(Path classDir) {
    java.util.TreeMap<String, List<Path>> byFolder = new java.util.TreeMap<>(ImageFolder::compareCodePoints);
    try (Stream<Path> all = Files.walk(classDir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      all.filter(p -> !Files.isDirectory(p) && isImage(p))
          .forEach(p -> byFolder.computeIfAbsent(p.getParent().toString(), k -> new ArrayList<>()).add(p));
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof java.nio.file.FileSystemLoopException loop) {
        throw BadInputException.of(Path.of(loop.getFile()), null, null, null,
            "a symlink back into a folder above it (a loop): remove it");
      }
      throw BadInputException.of(classDir, null, null, null, "cannot list (" + e.getCause().getMessage() + ")");
    } catch (IOException e) {
      throw BadInputException.of(classDir, null, null, null, "cannot list (" + e.getMessage() + ")");
    }
    List<Path> out = new ArrayList<>();
    for (List<Path> files : byFolder.values()) {
      files.sort((a, b) -> compareCodePoints(a.getFileName().toString(), b.getFileName().toString()));
      out.addAll(files);
    }
    return out;
  }

  /** Python's string order (by code point), which differs from {@link String#compareTo} beyond the BMP. */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Whether torchvision's ImageFolder takes the file as a sample: its lower-cased name ends with ".ext". */
  static boolean isImage(Path p) {
    return extension(p.getFileName().toString()) != null;
  }

  /** The image extension the name ends with (lower case), or null. */
  private static String extension(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String e : EXTENSIONS) {
      if (lower.endsWith("." + e)) {
        return e;
      }
    }
    return null;
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

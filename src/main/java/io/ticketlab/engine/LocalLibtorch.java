package io.ticketlab.engine;

import io.ticketlab.common.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A libtorch folder on this machine that the engine loads instead of the bundled CPU one
 * ({@code --libtorch DIR} or {@code TICKETLAB_LIBTORCH=DIR}): typically the {@code torch/lib} of a
 * pip-installed PyTorch, CPU or CUDA.
 *
 * <p>{@link #inspect} checks the folder before the engine loads, so that a wrong folder is one
 * line and exit 2 rather than a native crash. The version and flavour are read from metadata
 * beside the libraries, never guessed from the binaries (libtorch's sonames carry no version):
 *
 * <ol>
 *   <li>{@code DIR/../version.py}, the version module of a pip PyTorch ({@code __version__ =
 *       '2.7.1+cu128'}, {@code cuda = '12.8'} or {@code None});
 *   <li>{@code DIR/../build-version}, the version file of a libtorch zip from pytorch.org
 *       ({@code 2.7.1+cu128});
 *   <li>the folder's own name when it is one DJL extracted ({@code 2.7.1-20250812-cpu-linux-x86_64},
 *       {@code 2.7.1-cu128-linux-x86_64}).
 * </ol>
 *
 * The flavour ({@code cpu} or {@code cuNNN}) must be one for which DJL's {@code pytorch-jni} jar
 * holds a JNI library for this platform (for 2.7.1 on Linux x86-64: {@code cpu} and {@code cu128});
 * any other would make DJL try a download.
 *
 * @param dir the folder holding {@code libtorch.so} and {@code libc10.so}, absolute
 * @param origin how the user named it: {@code --libtorch} or {@code TICKETLAB_LIBTORCH}
 * @param version the PyTorch version, without a local suffix ({@code 2.7.1})
 * @param flavor {@code cpu} or {@code cuNNN}
 * @param versionSource the file or folder name the version was read from
 */
public record LocalLibtorch(Path dir, String origin, String version, String flavor, String versionSource) {
  /** The environment variable that names a local libtorch folder. */
  public static final String ENV = "TICKETLAB_LIBTORCH";

  /** The command-line option that names a local libtorch folder. */
  public static final String OPTION = "--libtorch";

  /** The libtorch version DJL's PyTorch engine of this build is compiled against. */
  public static final String REQUIRED_VERSION = "2.7.1";

  private static final Pattern PY_VERSION =
      Pattern.compile("(?m)^__version__\\s*(?::[^=]*)?=\\s*['\"]([^'\"]+)['\"]");
  private static final Pattern PY_CUDA =
      Pattern.compile("(?m)^cuda\\s*(?::[^=]*)?=\\s*(?:['\"]([^'\"]*)['\"]|None)");
  private static final Pattern DJL_FOLDER =
      Pattern.compile("(\\d+\\.\\d+\\.\\d+)(?:-\\d{8})?-(cpu|cu\\d+)(?:-precxx11)?-[a-z0-9_]+-[a-z0-9_]+");
  private static final Pattern FLAVOR = Pattern.compile("cpu|cu\\d{3}");
  private static final String[] KNOWN_FLAVORS = {"cpu", "cu118", "cu121", "cu124", "cu126", "cu128", "cu129"};

  /**
   * Checks a libtorch folder and reads its version and flavour.
   *
   * @param dir the folder the user gave
   * @param origin {@link #OPTION} or {@link #ENV}, for the message
   * @throws BadInputException naming the folder and what is wrong: missing, not a folder, no
   *     libtorch libraries, no version metadata, another version, or a flavour without a JNI library
   */
  public static LocalLibtorch inspect(Path dir, String origin) {
    String name = origin.equals(ENV) ? ENV + "=" + dir : origin + " " + dir;
    if (!Files.exists(dir)) {
      throw new BadInputException(name + ": no such folder");
    }
    if (!Files.isDirectory(dir)) {
      throw new BadInputException(
          name + ": is a file, not a folder (give the folder that holds libtorch's libraries, e.g. torch/lib)");
    }
    Path abs = dir.toAbsolutePath().normalize();
    List<String> missing = new ArrayList<>();
    for (String lib : new String[] {"torch", "c10"}) {
      if (!Files.isRegularFile(abs.resolve(System.mapLibraryName(lib)))) {
        missing.add(System.mapLibraryName(lib));
      }
    }
    if (!missing.isEmpty()) {
      throw new BadInputException(
          name + ": no " + String.join(" or ", missing)
              + " in it (expected the lib folder of libtorch " + REQUIRED_VERSION
              + ", e.g. torch/lib of a pip PyTorch)");
    }
    String[] found = readVersion(abs, name);
    String fullVersion = found[0];
    String flavor = found[1];
    String source = found[2];
    String version = fullVersion.replaceFirst("[+].*$", "");
    if (!version.equals(REQUIRED_VERSION)) {
      throw new BadInputException(
          name + ": libtorch " + fullVersion + " (from " + source + "), but this TicketLab's engine needs "
              + REQUIRED_VERSION);
    }
    if (flavor == null) {
      boolean cuda = Files.exists(abs.resolve(System.mapLibraryName("torch_cuda")))
          || Files.exists(abs.resolve(System.mapLibraryName("c10_cuda")));
      if (cuda) {
        throw new BadInputException(
            name + ": a CUDA build whose CUDA version " + source + " does not say (expected a suffix like +cu128)");
      }
      flavor = "cpu";
    }
    if (!FLAVOR.matcher(flavor).matches()) {
      throw new BadInputException(name + ": unknown libtorch flavour " + flavor + " (from " + source + ")");
    }
    List<String> available = jniFlavors();
    if (!available.contains(flavor)) {
      throw new BadInputException(
          name + ": libtorch " + version + " " + flavor + " (from " + source + ") has no DJL JNI library for "
              + Versions.nativeClassifier() + " (available: " + String.join(", ", available)
              + "); install PyTorch " + REQUIRED_VERSION + " built for one of those");
    }
    return new LocalLibtorch(abs, origin, version, flavor, source);
  }

  /** {full version, flavour or null when the source does not say, source}. */
  private static String[] readVersion(Path dir, String name) {
    Path parent = dir.getParent();
    if (parent != null) {
      Path py = parent.resolve("version.py");
      if (Files.isRegularFile(py)) {
        String text = read(py, name);
        Matcher v = PY_VERSION.matcher(text);
        if (!v.find()) {
          throw new BadInputException(name + ": " + py + " has no __version__ line");
        }
        String full = v.group(1);
        String flavor = suffixFlavor(full);
        if (flavor == null) {
          Matcher c = PY_CUDA.matcher(text);
          if (c.find()) {
            flavor = c.group(1) == null ? "cpu" : "cu" + c.group(1).replace(".", "");
          }
        }
        return new String[] {full, flavor, py.toString()};
      }
      Path build = parent.resolve("build-version");
      if (Files.isRegularFile(build)) {
        String full = read(build, name).strip();
        return new String[] {full, suffixFlavor(full), build.toString()};
      }
    }
    Matcher m = DJL_FOLDER.matcher(dir.getFileName().toString());
    if (m.matches()) {
      return new String[] {m.group(1), m.group(2), "the folder name " + dir.getFileName()};
    }
    throw new BadInputException(
        name + ": cannot tell its libtorch version: no ../version.py (pip PyTorch), no ../build-version"
            + " (libtorch zip), and the folder is not named like DJL's cache (" + REQUIRED_VERSION
            + "-cpu-linux-x86_64)");
  }

  private static String suffixFlavor(String fullVersion) {
    int plus = fullVersion.indexOf('+');
    return plus < 0 ? null : fullVersion.substring(plus + 1).toLowerCase(Locale.ROOT);
  }

  private static String read(Path file, String name) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadInputException(name + ": cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The flavours whose JNI library DJL's {@code pytorch-jni} jar holds for this platform. */
  static List<String> jniFlavors() {
    String classifier = Versions.nativeClassifier();
    String lib = System.mapLibraryName("djl_torch");
    List<String> out = new ArrayList<>();
    for (String f : KNOWN_FLAVORS) {
      if (LocalLibtorch.class.getClassLoader().getResource("jnilib/" + classifier + "/" + f + "/" + lib) != null) {
        out.add(f);
      }
    }
    return out;
  }

  /** {@code local DIR (--libtorch): 2.7.1 cpu, version from SOURCE}. */
  public String describe() {
    return "local " + dir + " (" + origin + "): " + version + " " + flavor + ", version from " + versionSource;
  }
}

package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.common.FloatTensor;
import io.ticketlab.storage.SparseCheckpoint;
import io.ticketlab.storage.SparseFormats;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files that commands write are shareable: under {@code umask 022} every file is 0644 and every
 * folder 0755 (temporary files included, which become the outputs), as with any other tool. The
 * commands run in one child JVM started by {@code sh -c "umask 022; exec java ..."}.
 */
class FileModesTest {
  @TempDir Path dir;

  @Test
  void underUmask022_everyFileCommandsWriteIs0644AndEveryFolder0755() throws Exception {
    Path in = dir.resolve("in");
    Path out = dir.resolve("out");
    Files.createDirectories(in);
    SparseCheckpoint.write(in.resolve("w.tlsc"),
        Map.of("layer.weight", new FloatTensor(new int[] {2, 2}, new float[] {0, 1, 0, 2})), SparseFormats.DENSE);
    Path gt = copy("/oracles/fixtures/small/gt.json", in.resolve("gt.json"));
    Path res = copy("/oracles/fixtures/small/dt_bbox.json", in.resolve("dt.json"));
    Path voc = in.resolve("VOC2007");
    copy("/voc/VOC2007/Annotations/000001.xml", voc.resolve("Annotations/000001.xml"));
    copy("/voc/VOC2007/Annotations/000002.xml", voc.resolve("Annotations/000002.xml"));
    copy("/voc/VOC2007/ImageSets/Main/test.txt", voc.resolve("ImageSets/Main/test.txt"));

    List<String> commands = new ArrayList<>();
    add(commands, "data", "synth", "--out", out.resolve("synth").toString(), "--images", "2", "--size", "32");
    add(commands, "eval", "--gt", gt.toString(), "--results", res.toString(), "--out", out.resolve("eval/eval.json").toString());
    add(commands, "analyze", "tide", "--gt", gt.toString(), "--results", res.toString(), "--out", out.resolve("tide").toString());
    add(commands, "export", in.resolve("w.tlsc").toString(), "--format", "entropy", "--out", out.resolve("w.entropy").toString());
    add(commands, "import", out.resolve("w.entropy").toString(), "--out", out.resolve("w.dense").toString());
    add(commands, "data", "voc2coco", "--voc-root", voc.toString(), "--out", out.resolve("voc/test.json").toString());

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> argv = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        CommandSequence.class.getName()));
    argv.addAll(commands);
    StringBuilder script = new StringBuilder("umask 022; exec");
    for (String a : argv) {
      script.append(" '").append(a.replace("'", "'\\''")).append('\'');
    }
    Process p = new ProcessBuilder("sh", "-c", script.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("log.txt").toFile())
        .start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("log.txt"))).isZero();

    Map<String, String> modes = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path f : s.toList()) {
        modes.put(out.relativize(f).toString() + (Files.isDirectory(f) ? File.separator : ""),
            PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
      }
    }
    assertThat(modes).containsKeys("synth/annotations.json", "synth/images/000001.png", "eval/eval.json",
        "tide/tide_dt.png", "w.entropy", "w.dense", "voc/test.json");
    modes.forEach((name, mode) -> assertThat(mode).as(name)
        .isEqualTo(name.endsWith(File.separator) ? "rwxr-xr-x" : "rw-r--r--"));
    try (Stream<Path> s = Files.walk(out)) {
      assertThat(s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()).as("temporary files").isEmpty();
    }
  }

  private static void add(List<String> commands, String... args) {
    if (!commands.isEmpty()) {
      commands.add("---");
    }
    commands.addAll(List.of(args));
  }

  private static Path copy(String resource, Path to) throws Exception {
    Files.createDirectories(to.getParent());
    try (var in = FileModesTest.class.getResourceAsStream(resource)) {
      Files.copy(in, to);
    }
    return to;
  }
}

package io.ticketlab.data.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ticketlab.common.BadInputException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageFolder} against torchvision 0.14's {@code ImageFolder} on awkward trees (nested
 * folders whose path strings sort differently from their paths, mixed-case and misleading
 * extensions, {@code .gif}, hidden and non-ASCII classes, symlinked folders, an empty class):
 * the same classes, the same samples in the same order, or a refusal where torchvision refuses.
 * Fixture: {@code src/test/python/make_image_folder_fixture.py}.
 */
class ImageFolderTest {
  @TempDir Path tmp;

  @TestFactory
  List<DynamicTest> everyCase_listsWhatTorchvisionLists() throws Exception {
    JsonNode fixture;
    try (InputStream in = ImageFolderTest.class.getResourceAsStream("/images/image_folder_cases.json")) {
      fixture = new ObjectMapper().readTree(in);
    }
    assertThat(fixture.path("torchvision").asText()).startsWith("0.14");
    List<String> ours = new ArrayList<>(ImageFolder.EXTENSIONS);
    List<String> theirs = new ArrayList<>();
    fixture.path("extensions").forEach(e -> theirs.add(e.asText().substring(1)));
    assertThat(ours).isEqualTo(theirs);
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : fixture.path("cases")) {
      tests.add(DynamicTest.dynamicTest(c.path("name").asText(), () -> check(c)));
    }
    assertThat(tests).hasSizeGreaterThanOrEqualTo(7);
    return tests;
  }

  private void check(JsonNode c) throws Exception {
    Path root = Files.createDirectories(tmp.resolve(c.path("name").asText()).resolve("root"));
    for (JsonNode f : c.path("files")) {
      Path p = root.resolve(f.asText());
      Files.createDirectories(p.getParent());
      Files.write(p, new byte[0]);
    }
    for (JsonNode l : c.path("links")) {
      Path link = root.resolve(l.get(0).asText());
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, Path.of(l.get(1).asText()));
    }
    if (c.path("name").asText().equals("unreadable-formats")) {
      // torchvision lists these; TicketLab refuses, naming the first of them in torchvision's order
      List<String> listed = new ArrayList<>();
      c.path("samples").forEach(s -> listed.add(s.get(0).asText()));
      assertThat(listed).contains("a/scan.TIF", "b/y.webp", "b/z.ppm");
      assertThatThrownBy(() -> ImageFolder.scan(root)).isInstanceOf(BadInputException.class)
          .hasMessageStartingWith(root.resolve("a/scan.TIF") + ": ").hasMessageContaining("a tif image")
          .hasMessageContaining("convert");
      return;
    }
    if (c.has("error")) {
      String error = c.path("error").asText();
      assertThatThrownBy(() -> ImageFolder.scan(root)).isInstanceOf(BadInputException.class)
          .hasMessageStartingWith(root + ": ")
          .hasMessageContaining(error.contains("classes b") ? "no image" : "no class sub-folders")
          .hasMessageContaining(error.contains("classes b") ? "class folder b " : "");
      return;
    }
    ImageFolder folder = ImageFolder.scan(root);
    List<String> classes = new ArrayList<>();
    c.path("classes").forEach(n -> classes.add(n.asText()));
    assertThat(folder.classes()).isEqualTo(classes);
    List<String> expected = new ArrayList<>();
    c.path("samples").forEach(s -> expected.add(s.get(0).asText() + " " + s.get(1).asInt()));
    List<String> actual = folder.samples().stream()
        .map(s -> root.relativize(s.path()).toString() + " " + s.label()).toList();
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void pythonsStringOrder_isByCodePoint() {
    // U+FF5E (a BMP character above the surrogates) sorts before U+1F600 in Python, after it in UTF-16
    assertThat(ImageFolder.compareCodePoints("\uFF5E", "\uD83D\uDE00")).isNegative();
    assertThat("\uFF5E".compareTo("\uD83D\uDE00")).isPositive();
    assertThat(ImageFolder.compareCodePoints("a", "ab")).isNegative();
    assertThat(ImageFolder.compareCodePoints("ab", "ab")).isZero();
    assertThat(ImageFolder.compareCodePoints("a/b", "a b")).isPositive();
  }

  @Test
  void aSymlinkLoop_isRefusedNamingIt() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("loop"));
    Files.createDirectories(root.resolve("a/sub"));
    Files.write(root.resolve("a/x.png"), new byte[0]);
    Files.createSymbolicLink(root.resolve("a/sub/up"), Path.of("../.."));
    assertThatThrownBy(() -> ImageFolder.scan(root)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("a/sub/up").hasMessageContaining("loop");
  }
}

package io.ticketlab.data.image;

import io.ticketlab.common.BadInputException;
import io.ticketlab.testing.Mutations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Damaged and truncated image files: {@link ImageDecoder#checkFile} (the check before a run folder
 * is created) and the decoder either accept the file or refuse it with a {@link
 * BadInputException}; and a file the check accepts decodes, or is refused by the decoder by name,
 * never with another exception.
 */
class ImageCheckFuzzProperties {
  private static final List<String> FILES =
      List.of("photo_320x240.jpg", "rgb_progressive.jpg", "rgb.png", "palette.png", "gray16.png", "rgb.bmp", "palette.gif");

  @Provide
  Arbitrary<List<Mutations.Edit>> edits() {
    return Mutations.edits();
  }

  @Provide
  Arbitrary<String> files() {
    return Arbitraries.of(FILES);
  }

  @Property(tries = 150)
  void damagedImage_isCheckedOrRefused(@ForAll("files") String name, @ForAll("edits") List<Mutations.Edit> edits)
      throws IOException {
    byte[] damaged = Mutations.apply(Files.readAllBytes(ImageFixtures.dir().resolve(name)), edits);
    Path f = Files.createTempFile("ticketlab-fuzz", name.substring(name.lastIndexOf('.')));
    try {
      Files.write(f, damaged);
      try {
        ImageDecoder.checkFile(f, "images[0] (id 1)");
      } catch (BadInputException refused) {
        return;
      }
      try {
        ImageDecoder.decode(f, "images[0] (id 1)");
      } catch (BadInputException refused) {
        // a corrupt body behind an intact end marker: found when decoded, by name
      }
    } finally {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

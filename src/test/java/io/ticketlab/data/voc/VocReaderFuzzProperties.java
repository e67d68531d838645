package io.ticketlab.data.voc;

import io.ticketlab.common.BadInputException;
import io.ticketlab.testing.Mutations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Damaged VOC annotation XML: read or refused with a {@link BadInputException}, nothing else. */
class VocReaderFuzzProperties {
  private static Path dir;
  private static byte[] xml;

  @BeforeContainer
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("voc-fuzz");
    try (InputStream in = VocReaderFuzzProperties.class.getResourceAsStream("/voc/VOC2007/Annotations/000001.xml")) {
      xml = in.readAllBytes();
    }
  }

  @AfterContainer
  static void tearDown() throws IOException {
    Files.deleteIfExists(dir.resolve("000001.xml"));
    Files.deleteIfExists(dir);
  }

  @Provide
  Arbitrary<List<Mutations.Edit>> edits() {
    return Mutations.edits();
  }

  @Property(tries = 300)
  void damagedAnnotation_isReadOrRefused(@ForAll("edits") List<Mutations.Edit> edits) throws IOException {
    Path file = Files.write(dir.resolve("000001.xml"), Mutations.apply(xml, edits));
    try {
      VocReader.readAnnotation(file, "000001");
    } catch (BadInputException expected) {
      // refused by name
    }
  }
}

package io.ticketlab.model.io;

import io.ticketlab.common.BadInputException;
import io.ticketlab.storage.SparseCheckpoint;
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

/**
 * Damaged weights files of every format the commands accept (PyTorch zip and legacy, safetensors,
 * npz, TicketLab training and sparse checkpoints): read or refused with a {@link
 * BadInputException}; nothing else escapes.
 */
class CheckpointFuzzProperties {
  private static final List<String> FIXTURES = List.of("/checkpoints/tiny_zip.pth", "/checkpoints/tiny_legacy.pth",
      "/checkpoints/dtypes.safetensors", "/checkpoints/arrays.npz", "/checkpoints/arrays_compressed.npz",
      "/storage/v1/fixture.dense.tlsc", "/storage/v1/fixture.entropy.tlsc", "/storage/v1/fixture.paper.tlsc");
  private static Path dir;

  @BeforeContainer
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("checkpoint-fuzz");
  }

  @AfterContainer
  static void tearDown() throws IOException {
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  @Provide
  Arbitrary<List<Mutations.Edit>> edits() {
    return Mutations.edits();
  }

  @Property(tries = 400)
  void damagedWeights_areReadOrRefused(@ForAll("edits") List<Mutations.Edit> edits) throws IOException {
    String fixture = FIXTURES.get(Math.floorMod(edits.hashCode(), FIXTURES.size()));
    byte[] original;
    try (InputStream in = CheckpointFuzzProperties.class.getResourceAsStream(fixture)) {
      original = in.readAllBytes();
    }
    Path file = Files.write(dir.resolve("damaged" + fixture.substring(fixture.lastIndexOf('.'))),
        Mutations.apply(original, edits));
    try {
      if (fixture.endsWith(".tlsc")) {
        SparseCheckpoint.read(file);
      } else {
        Checkpoints.readStateDict(file).toFloatTensors();
      }
    } catch (BadInputException expected) {
      // refused by name
    }
  }
}

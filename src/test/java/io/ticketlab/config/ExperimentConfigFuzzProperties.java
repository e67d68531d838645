package io.ticketlab.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.common.BadInputException;
import io.ticketlab.testing.Mutations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Damaged experiment configs (YAML and JSON): the parser and the resolver either accept the text
 * or refuse it with a one-line {@link BadInputException} that names the file; nothing else escapes
 * (no NullPointerException, no Jackson exception, no NumberFormatException).
 */
class ExperimentConfigFuzzProperties {
  private static final Path FILE = Path.of("exp.yaml");

  private static final byte[] YAML = ("""
      task: det
      data: {train: coco/train.json, val: coco/val.json}
      model: {arch: resnet18, width: 0.125, fpn_channels: 8, min_size: [32, 40], max_size: 48}
      training: {iterations: 2ep500it, batch: 2, lr: 0.01, warmup: 0it, milestones: [1ep], eval_every: end}
      pruning: {sparsity: 0.8, rounds: 3, preset: backbone-only, exclude: ['fc.*']}
      rewind: {at: 100it, optimizer: true}
      early_bird: {fractions: [0.25, 0.5]}
      replicates: 2
      seed: 7
      """).getBytes(StandardCharsets.UTF_8);

  private static final byte[] BLOCK_YAML = ("""
      data:
        train: train
      training:
        iterations: 4it
        schedule: cosine
      pruning:
        fraction: 0.2
        levels: 3
      """).getBytes(StandardCharsets.UTF_8);

  private static final byte[] JSON = ("{\"task\": \"seg\", \"data\": {\"train\": \"t.json\"}, \"training\": {\"batch\": 1},"
      + " \"transfer\": {\"kind\": \"mask\", \"source\": \"r.pth\", \"prune\": 0.5}}").getBytes(StandardCharsets.UTF_8);

  @Provide
  Arbitrary<List<Mutations.Edit>> edits() {
    return Mutations.edits();
  }

  @Property(tries = 400)
  void damagedConfig_isResolvedOrRefusedInOneLineNamingTheFile(@ForAll("edits") List<Mutations.Edit> edits) {
    byte[] base = switch (edits.size() % 3) {
      case 0 -> YAML;
      case 1 -> BLOCK_YAML;
      default -> JSON;
    };
    String text = new String(Mutations.apply(base, edits), StandardCharsets.UTF_8);
    try {
      ExperimentSpec spec = ExperimentSpec.resolve(ExperimentConfig.parse(FILE, text), ConfigKeys.file(FILE));
      assertThat(spec.runId()).hasSize(12);
    } catch (BadInputException e) {
      assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("\n").doesNotContain("java.");
    }
  }
}

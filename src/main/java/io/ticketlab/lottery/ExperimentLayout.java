package io.ticketlab.lottery;

import io.ticketlab.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one owner of an experiment's folder layout (open_lth's {@code lottery/desc.py} + {@code
 * foundations/paths.py}): no other class spells these names.
 *
 * <pre>
 * &lt;root&gt;/lottery_&lt;id&gt;/              spec.json (the resolved spec), lock; sweep.log, failure.txt (sweeps)
 *   replicate_&lt;n&gt;/level_&lt;k&gt;/main/      one level: checkpoints, mask.tlck, level.json, sparsity.json, provenance.json;
 *                                     reused_from.json in a level 0 shared with another experiment
 *   replicate_&lt;n&gt;/level_&lt;k&gt;/branch_&lt;name&gt;/   a control beside the level's ticket
 * </pre>
 *
 * <p>Folders written by TicketLab 0.1 hold {@code config.json} (the config as written) instead of
 * {@code spec.json}.
 */
public record ExperimentLayout(Path runDir) {
  static final String RUN_PREFIX = "lottery_";
  private static final String REPLICATE = "replicate_";
  private static final String LEVEL = "level_";
  private static final String MAIN = "main";
  private static final String BRANCH = "branch_";
  /** In a level 0 copied from another experiment with the same training ({@link DenseReuse}): where from. */
  static final String REUSED_FROM = "reused_from.json";
  private static final Pattern LEVEL_FOLDER =
      Pattern.compile(REPLICATE + "(\\d+)/" + LEVEL + "(\\d+)/(" + MAIN + "|" + BRANCH + "(.+))");

  /** The folder of experiment {@code runId} under {@code root}. */
  public static ExperimentLayout of(Path root, String runId) {
    return new ExperimentLayout(root.resolve(RUN_PREFIX + runId));
  }

  /** The experiments under {@code root}, by folder name. */
  public static List<ExperimentLayout> under(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith(RUN_PREFIX))
          .sorted().map(ExperimentLayout::new).toList();
    }
  }

  /** The run id (the folder name without {@code lottery_}). */
  public String runId() {
    return runDir.getFileName().toString().substring(RUN_PREFIX.length());
  }

  /** The resolved spec of the experiment, written once. */
  public Path spec() {
    return runDir.resolve("spec.json");
  }

  /** The config as written, of folders from TicketLab 0.1. */
  public Path legacyConfig() {
    return runDir.resolve("config.json");
  }

  /** The lock file of the process that owns the experiment ({@link ExperimentLock}). */
  public Path lock() {
    return runDir.resolve("lock");
  }

  /** The output of the processes a sweep ran for this experiment ({@code ticketlab sweep run}), appended. */
  public Path sweepLog() {
    return runDir.resolve("sweep.log");
  }

  /** Why the last sweep process for this experiment failed (one line), until one succeeds. */
  public Path failure() {
    return runDir.resolve("failure.txt");
  }

  public Path replicate(int replicate) {
    return runDir.resolve(REPLICATE + replicate);
  }

  /** The folder of level {@code level}'s ticket (level 0: the dense network). */
  public Path level(int replicate, int level) {
    return replicate(replicate).resolve(LEVEL + level).resolve(MAIN);
  }

  /** The folder of a control branch beside level {@code level}'s ticket. */
  public Path branch(int replicate, int level, String name) {
    return replicate(replicate).resolve(LEVEL + level).resolve(BRANCH + name);
  }

  /** The mask of a level ({@code mask.tlck}). */
  public static Path mask(Path levelDir) {
    return levelDir.resolve("mask.tlck");
  }

  /** The record of a finished level ({@link LevelRecord}); its presence means done. */
  public static Path record(Path levelDir) {
    return levelDir.resolve("level.json");
  }

  /** Per-tensor sparsity of a level's final weights. */
  public static Path sparsity(Path levelDir) {
    return levelDir.resolve("sparsity.json");
  }

  /** Where a level 0 shared with another experiment of the same training was copied from. */
  public static Path reusedFrom(Path levelDir) {
    return levelDir.resolve(REUSED_FROM);
  }

  /** The IoU of an early-bird mask with the ticket's. */
  public static Path maskIou(Path branchDir) {
    return branchDir.resolve("mask_iou.json");
  }

  /** A level's checkpoint at {@code iteration}. */
  public static Path checkpoint(Path levelDir, long iteration) {
    return RunFolder.checkpoint(levelDir, iteration);
  }

  /** A level or branch folder found on disk. {@code branch} is null for a level's ticket. */
  public record LevelFolder(int replicate, int level, String branch, Path dir) {
    /** {@code replicate_0/level_1/main}, relative to the experiment's folder. */
    public String name() {
      return REPLICATE + replicate + "/" + LEVEL + level + "/" + (branch == null ? MAIN : BRANCH + branch);
    }
  }

  /** Every level and branch folder of this experiment, by replicate, level, then main before branches. */
  public List<LevelFolder> levelFolders() throws IOException {
    List<LevelFolder> out = new ArrayList<>();
    if (!Files.isDirectory(runDir)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(runDir, 3)) {
      for (Path p : s.filter(Files::isDirectory).toList()) {
        Matcher m = LEVEL_FOLDER.matcher(runDir.relativize(p).toString().replace('\\', '/'));
        if (m.matches()) {
          out.add(new LevelFolder(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(4), p));
        }
      }
    }
    out.sort(Comparator.comparingInt(LevelFolder::replicate).thenComparingInt(LevelFolder::level)
        .thenComparing(f -> f.branch() == null ? "" : f.branch()));
    return out;
  }

  /** Every finished level or branch folder (one with a level record) below {@code folder}, sorted. */
  public static List<Path> finishedBelow(Path folder) throws IOException {
    String name = record(Path.of("x")).getFileName().toString();
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(p -> p.getFileName().toString().equals(name)).map(Path::getParent).sorted().toList();
    }
  }

  /** The latest checkpoint iteration in a level folder, or -1. */
  public static long latestCheckpoint(Path levelDir) throws IOException {
    var latest = RunFolder.latestCheckpoint(levelDir);
    return latest == null ? -1 : latest.getKey();
  }
}

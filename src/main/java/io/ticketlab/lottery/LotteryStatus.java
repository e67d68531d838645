package io.ticketlab.lottery;

import io.ticketlab.common.InputFiles;
import io.ticketlab.train.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What is done, running or left in the experiments under a root folder ({@code ticketlab lottery
 * status}): per level and branch its state, its {@link LevelRecord} when done, and the provenance
 * of the last process that worked on it.
 */
public final class LotteryStatus {
  private LotteryStatus() {}

  /** A level's state on disk. */
  public enum State {
    /** {@code level.json} written. */
    DONE,
    /** Checkpoints but no record: killed or still running (see {@link ExperimentState#lockHolder()}). */
    IN_PROGRESS,
    /** The folder exists, nothing saved yet. */
    STARTED
  }

  /** One level or branch folder. */
  public record Level(
      ExperimentLayout.LevelFolder folder, State state, LevelRecord record, long latestCheckpoint,
      Provenance.Session lastSession) {}

  /**
   * One experiment folder.
   *
   * @param legacy written by TicketLab 0.1 ({@code config.json}, no {@code spec.json})
   * @param lockHolder the lock file's text: who runs it now, or the last holder if it died; empty if none
   */
  public record ExperimentState(ExperimentLayout layout, boolean legacy, String lockHolder, List<Level> levels) {}

  /** The experiments under {@code root}. */
  public static List<ExperimentState> of(Path root) throws IOException {
    InputFiles.requireFolder(root);
    List<ExperimentState> out = new ArrayList<>();
    for (ExperimentLayout layout : ExperimentLayout.under(root)) {
      List<Level> levels = new ArrayList<>();
      for (ExperimentLayout.LevelFolder f : layout.levelFolders()) {
        Path record = ExperimentLayout.record(f.dir());
        long latest = ExperimentLayout.latestCheckpoint(f.dir());
        State state = Files.exists(record) ? State.DONE : latest >= 0 ? State.IN_PROGRESS : State.STARTED;
        List<Provenance.Session> sessions = Provenance.read(f.dir()).sessions();
        levels.add(new Level(f, state, state == State.DONE ? LevelRecord.read(record) : null, latest,
            sessions.isEmpty() ? null : sessions.get(sessions.size() - 1)));
      }
      String holder = Files.exists(layout.lock()) ? Files.readString(layout.lock()).strip() : "";
      out.add(new ExperimentState(layout, !Files.exists(layout.spec()) && Files.exists(layout.legacyConfig()), holder, levels));
    }
    return out;
  }
}

package io.ticketlab.report;

/**
 * One of the paper's findings read off a set of runs: what the paper found, whether these runs
 * show it, and the numbers the verdict was read from. The demo reads them off its rows; the report
 * puts them at the top of its page, above the tables they come from.
 *
 * @param claim the finding as the paper states it ("the 80% ticket within a few AP points of dense")
 * @param shows whether these runs show it
 * @param evidence the numbers it was read from ("0.559 vs 0.547")
 */
public record Finding(String claim, boolean shows, String evidence) {
  /** The finding as the demo's summary prints it: {@code claim: shows here (evidence)}. */
  @Override
  public String toString() {
    return claim + ": " + (shows ? "shows" : "does not show") + " here (" + evidence + ")";
  }
}

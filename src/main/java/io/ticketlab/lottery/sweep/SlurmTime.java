package io.ticketlab.lottery.sweep;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A time limit as Slurm's {@code --time} writes it: {@code MM}, {@code MM:SS}, {@code HH:MM:SS},
 * {@code D-HH}, {@code D-HH:MM} or {@code D-HH:MM:SS}. Kubernetes takes it in seconds
 * ({@code activeDeadlineSeconds}).
 */
final class SlurmTime {
  private static final Pattern DAYS = Pattern.compile("(\\d+)-(\\d+)(?::(\\d+))?(?::(\\d+))?");
  private static final Pattern CLOCK = Pattern.compile("(\\d+)(?::(\\d+))?(?::(\\d+))?");

  private SlurmTime() {}

  /** The limit in seconds; throws IllegalArgumentException saying the forms Slurm takes. */
  static long seconds(String time) {
    Matcher d = DAYS.matcher(time);
    if (d.matches()) {
      return 86400L * Long.parseLong(d.group(1)) + 3600L * Long.parseLong(d.group(2)) + 60L * part(d.group(3))
          + part(d.group(4));
    }
    Matcher c = CLOCK.matcher(time);
    if (c.matches()) {
      if (c.group(3) != null) {
        return 3600L * Long.parseLong(c.group(1)) + 60L * part(c.group(2)) + part(c.group(3));
      }
      return 60L * Long.parseLong(c.group(1)) + part(c.group(2));
    }
    throw new IllegalArgumentException("must be a time as Slurm writes it: MM, HH:MM:SS, D-HH or D-HH:MM:SS");
  }

  private static long part(String s) {
    return s == null ? 0 : Long.parseLong(s);
  }
}

package io.ticketlab.config;

import io.ticketlab.common.BadInputException;
import java.nio.file.Path;
import java.util.Map;

/**
 * How a bad value is named to the user: by its key path in the config file ({@code c.yaml:
 * training.lr: bad value -1: must be > 0}) or by the flag it came from ({@code --lr: bad value -1:
 * must be > 0}).
 */
public interface ConfigKeys {
  /** The error for {@code keyPath} (e.g. {@code training.lr}) holding {@code value}. */
  BadInputException bad(String keyPath, Object value, String why);

  /** Keys of the config file {@code file} (null: a config given as text). */
  static ConfigKeys file(Path file) {
    return (keyPath, value, why) -> BadInputException.of(file, null, keyPath, value, why);
  }

  /**
   * Keys given as flags: {@code flagOf} maps a key path (without list indices) to its flag; any
   * other key is named {@code --} + its last part in kebab case ({@code training.weight_decay} →
   * {@code --weight-decay}).
   */
  static ConfigKeys flags(Map<String, String> flagOf) {
    return (keyPath, value, why) -> BadInputException.of(null, null, flagOf(keyPath, flagOf), value, why);
  }

  /** The flag of a key path under {@link #flags}. */
  static String flagOf(String keyPath, Map<String, String> flagOf) {
    String key = keyPath.replaceAll("\\[\\d+]", "");
    String flag = flagOf.get(key);
    if (flag != null) {
      return flag;
    }
    return "--" + key.substring(key.lastIndexOf('.') + 1).replace('_', '-');
  }
}

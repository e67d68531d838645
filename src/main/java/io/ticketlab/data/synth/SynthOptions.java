package io.ticketlab.data.synth;

import io.ticketlab.common.BadInputException;

/**
 * What {@link SynthGenerator} makes.
 *
 * @param images number of images (ids 1..images)
 * @param seed the seed; the same options give byte-identical files
 * @param size width and height of every image in pixels (object sizes scale with it, so COCO's
 *     standard area ranges fit the default 128 and scale by {@code (size/128)²} otherwise)
 * @param split which split: the same seed gives different images for train and val
 */
public record SynthOptions(int images, long seed, int size, Split split) {
  /** The default image size, at which COCO's 32²/96² area ranges apply unchanged. */
  public static final int DEFAULT_SIZE = 128;

  /** Smallest and largest image sizes accepted. */
  public static final int MIN_SIZE = 32;

  public static final int MAX_SIZE = 4096;

  /** The two splits; each draws from its own random stream. */
  public enum Split {
    train,
    val
  }

  public SynthOptions {
    if (images < 1) {
      throw BadInputException.of(null, null, "--images", images, "must be at least 1");
    }
    if (size < MIN_SIZE || size > MAX_SIZE) {
      throw BadInputException.of(null, null, "--size", size,
          "must be between " + MIN_SIZE + " and " + MAX_SIZE + " pixels");
    }
    if (split == null) {
      split = Split.train;
    }
  }
}

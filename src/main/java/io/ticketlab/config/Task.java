package io.ticketlab.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What an experiment trains: a ResNet classifier ({@code classify}, the paper's ImageNet tickets),
 * Faster R-CNN ({@code det}), Mask R-CNN ({@code seg}) or Keypoint R-CNN ({@code kp}).
 */
public enum Task {
  CLASSIFY("classify", "classification"),
  DET("det", "detection"),
  SEG("seg", "segmentation"),
  KP("kp", "keypoints");

  private final String key;
  private final String longName;

  Task(String key, String longName) {
    this.key = key;
    this.longName = longName;
  }

  /** The name in configs and on the command line: classify, det, seg, kp. */
  @JsonValue
  public String key() {
    return key;
  }

  public boolean isDetector() {
    return this != CLASSIFY;
  }

  /** {@code classify|det|seg|kp}, or the long names (detection, SEGMENTATION, ...), any case; null when unknown. */
  public static Task parseOrNull(String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    for (Task task : values()) {
      if (task.key.equals(t) || task.longName.equals(t)) {
        return task;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return key;
  }
}

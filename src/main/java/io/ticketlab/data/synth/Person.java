package io.ticketlab.data.synth;

import java.util.List;

/**
 * The {@code person} category of the synthetic data: COCO's 17 keypoint names in COCO's order,
 * COCO's skeleton (1-based pairs, as in {@code person_keypoints_*.json}) and the left/right flip
 * pairs (0-based) that horizontal-flip augmentation swaps.
 */
public final class Person {
  private Person() {}

  /** COCO's keypoint names, in annotation order. */
  public static final List<String> KEYPOINTS = List.of(
      "nose", "left_eye", "right_eye", "left_ear", "right_ear",
      "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
      "left_wrist", "right_wrist", "left_hip", "right_hip",
      "left_knee", "right_knee", "left_ankle", "right_ankle");

  /** COCO's person skeleton, 1-based keypoint indices. */
  public static final List<List<Integer>> SKELETON = List.of(
      List.of(16, 14), List.of(14, 12), List.of(17, 15), List.of(15, 13), List.of(12, 13),
      List.of(6, 12), List.of(7, 13), List.of(6, 7), List.of(6, 8), List.of(7, 9),
      List.of(8, 10), List.of(9, 11), List.of(2, 3), List.of(1, 2), List.of(1, 3),
      List.of(2, 4), List.of(3, 5), List.of(4, 6), List.of(5, 7));

  /** Left/right pairs of 0-based keypoint indices (COCO's flip pairs). */
  public static final List<int[]> FLIP_PAIRS = List.of(
      new int[] {1, 2}, new int[] {3, 4}, new int[] {5, 6}, new int[] {7, 8},
      new int[] {9, 10}, new int[] {11, 12}, new int[] {13, 14}, new int[] {15, 16});

  /** For each keypoint, the index of its mirror image (itself for the nose). */
  public static int[] flipIndex() {
    int[] flip = new int[KEYPOINTS.size()];
    for (int i = 0; i < flip.length; i++) {
      flip[i] = i;
    }
    for (int[] p : FLIP_PAIRS) {
      flip[p[0]] = p[1];
      flip[p[1]] = p[0];
    }
    return flip;
  }
}

package io.ticketlab.data.coco;

import java.util.List;

/**
 * One entry of {@code categories[]}. Keypoint categories (e.g. COCO's person) also name their
 * keypoints, in the order they appear in each annotation's {@code keypoints} triplets, and the
 * skeleton as pairs of 1-based keypoint indices; both lists are empty for other categories.
 */
public record CocoCategory(
    int id, String name, String supercategory, List<String> keypoints, List<List<Integer>> skeleton) {

  public CocoCategory {
    keypoints = keypoints == null ? List.of() : List.copyOf(keypoints);
    skeleton = skeleton == null ? List.of() : skeleton.stream().map(List::copyOf).toList();
  }

  /** A category without keypoints. */
  public static CocoCategory of(int id, String name) {
    return new CocoCategory(id, name, null, List.of(), List.of());
  }

  /** Whether this category defines keypoints. */
  public boolean hasKeypoints() {
    return !keypoints.isEmpty();
  }
}

package io.ticketlab.data.coco;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A COCO instances or person-keypoints file in memory: images, categories and ground-truth
 * annotations, in file order, with lookups by id.
 */
public final class CocoDataset {
  private final List<CocoImage> images;
  private final List<CocoCategory> categories;
  private final List<CocoAnnotation> annotations;
  private final Map<Long, CocoImage> imagesById;
  private final Map<Integer, CocoCategory> categoriesById;

  public CocoDataset(
      List<CocoImage> images, List<CocoCategory> categories, List<CocoAnnotation> annotations) {
    this.images = List.copyOf(images);
    this.categories = List.copyOf(categories);
    this.annotations = List.copyOf(annotations);
    this.imagesById = new HashMap<>(images.size() * 2);
    for (CocoImage image : this.images) {
      imagesById.putIfAbsent(image.id(), image);
    }
    this.categoriesById = new HashMap<>();
    for (CocoCategory category : this.categories) {
      categoriesById.putIfAbsent(category.id(), category);
    }
  }

  public List<CocoImage> images() {
    return images;
  }

  public List<CocoCategory> categories() {
    return categories;
  }

  public List<CocoAnnotation> annotations() {
    return annotations;
  }

  /**
   * The annotations of every image, in file order (images without annotations are absent); built
   * on each call, so keep the map.
   */
  public Map<Long, List<CocoAnnotation>> annotationsByImage() {
    Map<Long, List<CocoAnnotation>> byImage = new LinkedHashMap<>();
    for (CocoAnnotation a : annotations) {
      byImage.computeIfAbsent(a.imageId(), id -> new ArrayList<>()).add(a);
    }
    return byImage;
  }

  /** The image with this id, or null. */
  public CocoImage image(long id) {
    return imagesById.get(id);
  }

  /** The category with this id, or null. */
  public CocoCategory category(int id) {
    return categoriesById.get(id);
  }

  @Override
  public String toString() {
    return "CocoDataset[" + images.size() + " images, " + categories.size() + " categories, "
        + annotations.size() + " annotations]";
  }
}

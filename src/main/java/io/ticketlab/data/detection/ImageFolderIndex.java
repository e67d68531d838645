package io.ticketlab.data.detection;

import io.ticketlab.common.BadInputException;
import io.ticketlab.data.coco.CocoCategory;
import io.ticketlab.data.coco.CocoDataset;
import io.ticketlab.data.coco.CocoImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder of images as a COCO dataset without annotations (for prediction): the PNG and JPEG files
 * directly in the folder, in file-name order, get ids 1..N and their decoded sizes.
 */
public final class ImageFolderIndex {
  private ImageFolderIndex() {}

  public static CocoDataset scan(Path dir, List<CocoCategory> categories) {
    return scan(dir, categories, false);
  }

  /**
   * {@link #scan(Path, List)} with each image's size as turned by its EXIF orientation when {@code
   * exifOrientation} (orientations 5–8 swap width and height).
   */
  public static CocoDataset scan(Path dir, List<CocoCategory> categories, boolean exifOrientation) {
    if (!Files.isDirectory(dir)) {
      throw BadInputException.of(dir, null, null, null, "is not a folder of images");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
              })
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw BadInputException.of(dir, null, null, null, "holds no .png or .jpg images");
    }
    List<CocoImage> images = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      RgbImage img = RgbImage.read(files.get(i), "image " + (i + 1), exifOrientation);
      images.add(new CocoImage(i + 1, img.width(), img.height(), files.get(i).getFileName().toString()));
    }
    return new CocoDataset(images, categories, List.of());
  }
}

package io.ticketlab.eval.voc;

/**
 * One detection on a VOC image: image id (as in ImageSets), class name, confidence and box in
 * VOC's 1-based inclusive corners.
 */
public record VocDetection(
    String imageId, String className, double score, double xmin, double ymin, double xmax,
    double ymax) {}

package io.ticketlab.data.voc;

/**
 * One {@code <object>} of a VOC annotation: its class name and box in VOC's 1-based, inclusive
 * pixel coordinates ({@code xmin..xmax} covers {@code xmax - xmin + 1} pixels). {@code difficult}
 * objects are left out of VOC's AP (neither found nor missed).
 */
public record VocObject(
    String name, double xmin, double ymin, double xmax, double ymax, boolean difficult,
    boolean truncated) {}

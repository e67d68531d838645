package io.ticketlab.data.coco;

/** One entry of a COCO file's {@code images[]}: its id, size in pixels and file name. */
public record CocoImage(long id, int width, int height, String fileName) {}

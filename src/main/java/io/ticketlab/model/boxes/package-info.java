/**
 * Box operations of two-stage detectors, as torchvision 0.14 computes them, on the Java side over
 * flat {@code float[]} arrays of {@code (x1, y1, x2, y2)} boxes in pixels: box coding ({@link
 * io.ticketlab.model.boxes.BoxCoder}), pairwise IoU, clipping and small-box removal
 * ({@link io.ticketlab.model.boxes.Boxes}), anchor/proposal matching ({@link
 * io.ticketlab.model.boxes.Matcher}), balanced sampling ({@link
 * io.ticketlab.model.boxes.BalancedPositiveNegativeSampler}) and non-maximum suppression
 * ({@link io.ticketlab.model.boxes.Nms}). Arithmetic is float32 in torchvision's order, so
 * results equal torchvision's up to the last bit of {@code exp}/{@code log}.
 */
package io.ticketlab.model.boxes;

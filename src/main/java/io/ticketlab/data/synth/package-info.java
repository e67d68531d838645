/**
 * Built-in synthetic detection data: coloured shapes (rectangle, ellipse, triangle, star) and an
 * articulated stick-figure {@code person} with COCO's 17 keypoints on textured backgrounds, written
 * as a COCO dataset ({@link io.ticketlab.data.synth.SynthGenerator}). Pure Java, deterministic for
 * a seed; masks come from {@link io.ticketlab.data.coco.PolygonRasterizer}, so they agree bit for
 * bit with what COCO evaluation computes from the stored polygons.
 */
package io.ticketlab.data.synth;

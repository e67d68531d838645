/**
 * Pascal VOC detection AP, as the VOC devkit's {@code voc_eval} computes it: per class, detections
 * sorted by confidence are matched greedily at IoU &gt; 0.5 (boxes in 1-based inclusive pixels,
 * difficult objects neither found nor missed), then AP is the VOC2007 11-point interpolation or
 * the VOC2010+ area under the precision envelope. {@link io.ticketlab.eval.voc.VocEvaluator} is
 * the entry point; {@link io.ticketlab.eval.voc.VocReplicates} gives mean ± std over replicates.
 */
package io.ticketlab.eval.voc;

/**
 * COCO evaluation with the exact numbers of pycocotools 2.0.11's {@code COCOeval}, for boxes,
 * masks and keypoints, and much faster.
 *
 * <p>Entry point: {@link io.ticketlab.eval.coco.CocoEvaluator#evaluate}, which returns an
 * immutable {@link io.ticketlab.eval.coco.Evaluation} (summary stats, the accumulated precision,
 * recall and score arrays, per-category and per-area tables). The building blocks are public for
 * error analyses (TIDE, keypoint errors): {@link io.ticketlab.eval.coco.Oks} (object keypoint
 * similarity), {@link io.ticketlab.data.coco.BoxIou} and {@link io.ticketlab.data.coco.Rle#iou}
 * (IoU), and {@link io.ticketlab.eval.coco.CocoEvaluator#evaluateImages} (pycocotools' per-image
 * greedy matching, {@code evalImgs}).
 */
package io.ticketlab.eval.coco;

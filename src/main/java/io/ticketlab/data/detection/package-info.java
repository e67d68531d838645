/**
 * The detection data pipeline of Faster, Mask and Keypoint R-CNN training and evaluation, in pure
 * Java (no engine types): {@link io.ticketlab.data.detection.DetectionDataset} turns a COCO file
 * and an image folder into {@link io.ticketlab.data.detection.DetectionSample}s with torchvision's
 * detection-reference target semantics ({@code references/detection/coco_utils.py}), {@link
 * io.ticketlab.data.detection.DetectionAugment} holds the reference's horizontal flip, and {@link
 * io.ticketlab.data.detection.DetectionBatches} makes the batch of an iteration a pure function of
 * (seed, iteration), which is what bit-identical resume needs.
 */
package io.ticketlab.data.detection;

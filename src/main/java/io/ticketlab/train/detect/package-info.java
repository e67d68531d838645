/**
 * Training, validation and prediction of the two-stage detectors (Faster, Mask and Keypoint
 * R-CNN) on COCO-format data, through the one {@link io.ticketlab.train.TrainingLoop}: batches as a
 * function of the iteration (bit-identical resume), checkpoints at rewind points, per-iteration
 * loss terms, validation loss and COCO AP at intervals, COCO results files.
 */
package io.ticketlab.train.detect;

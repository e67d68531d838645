/**
 * Error analysis of finished runs, read from COCO files: TIDE's detection and segmentation error
 * types ({@link io.ticketlab.analysis.tide}) and coco-analyze's keypoint errors ({@link
 * io.ticketlab.analysis.keypoints}). The paper's supplementary section C compares these errors
 * between dense models and sparse tickets. Pure Java.
 */
package io.ticketlab.analysis;

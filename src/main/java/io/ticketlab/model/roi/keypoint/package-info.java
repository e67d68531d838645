/**
 * The keypoint branch of Keypoint R-CNN, torchvision 0.14's {@code keypoint_roi_pool}, {@code
 * keypoint_head} ({@link io.ticketlab.model.roi.keypoint.KeypointRcnnHeads}) and {@code
 * keypoint_predictor} ({@link io.ticketlab.model.roi.keypoint.KeypointRcnnPredictor}), their
 * training targets and loss and the decoding of heatmaps into keypoints ({@link
 * io.ticketlab.model.roi.keypoint.KeypointHeatmaps}, {@link io.ticketlab.model.roi.keypoint.Bicubic}),
 * assembled as an {@link io.ticketlab.model.roi.InstanceBranch} by {@link
 * io.ticketlab.model.roi.keypoint.KeypointBranch}.
 */
package io.ticketlab.model.roi.keypoint;

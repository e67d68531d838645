/**
 * The input side of torchvision's detectors ({@code GeneralizedRCNNTransform}, 0.14): ImageNet
 * normalisation, resizing by shortest/longest side with torchvision's float32 scale factor and
 * bilinear interpolation, rescaling of boxes and keypoints, batching with zero padding to a
 * multiple of 32, and mapping detections back to the original image sizes.
 *
 * <p>Entry point: {@link io.ticketlab.model.detector.transform.GeneralizedRcnnTransform}.
 */
package io.ticketlab.model.detector.transform;

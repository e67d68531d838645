/**
 * Region-of-interest feature pooling of two-stage detectors, with torchvision 0.14's exact
 * semantics: {@link io.ticketlab.model.roi.RoiAlign} (the engine has no RoIAlign op, so it is a
 * batched, differentiable bilinear gather) and {@link io.ticketlab.model.roi.MultiScaleRoiAlign}
 * (FPN level assignment by box size, as torchvision's {@code MultiScaleRoIAlign}), and the
 * Faster R-CNN box head blocks with torchvision's parameter names:
 * {@link io.ticketlab.model.roi.TwoMlpHead} ({@code fc6}, {@code fc7}),
 * {@link io.ticketlab.model.roi.FastRcnnPredictor} ({@code cls_score}, {@code bbox_pred}) and their
 * losses, {@link io.ticketlab.model.roi.FastRcnnLoss}; and the box head of the paper's C4 VOC
 * model, {@link io.ticketlab.model.roi.ResNetTopHead} (ResNet layer4 + average pool, {@code
 * layer4.*}), fed by a single-level pooler at a fixed 1/16 scale.
 *
 * <p>Sampling positions and bilinear weights depend only on the boxes, which receive no gradient
 * (as in torchvision), so they are computed once per call in Java with float32 arithmetic in
 * torchvision's operation order; one gather of feature rows and a weighted sum then run in the
 * engine, and autograd carries the gradient back to the feature maps.
 */
package io.ticketlab.model.roi;

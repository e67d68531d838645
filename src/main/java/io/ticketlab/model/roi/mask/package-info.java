/**
 * The mask branch of Mask R-CNN (He et al., 2017) as torchvision 0.14's {@code
 * maskrcnn_resnet50_fpn} builds it: {@link io.ticketlab.model.roi.mask.MaskRcnnHeads} (four 3×3
 * convolutions + ReLU on 14×14 RoI features), {@link io.ticketlab.model.roi.mask.MaskRcnnPredictor}
 * ({@code conv5_mask}, a 2×2 stride-2 transposed convolution, then the 1×1 {@code mask_fcn_logits}),
 * and {@link io.ticketlab.model.roi.mask.MaskBranch}, the {@link
 * io.ticketlab.model.roi.InstanceBranch} that trains them with {@code loss_mask} and turns their
 * 28×28 probabilities into image masks.
 *
 * <p>What needs no gradient runs in pure Java with float32 arithmetic in torchvision's order:
 * the mask targets ({@link io.ticketlab.model.roi.mask.MaskTargets}, torchvision's {@code
 * project_masks_on_boxes}) and the pasting of predicted masks into the image ({@link
 * io.ticketlab.model.roi.mask.MaskPaste}, {@code paste_masks_in_image}), with COCO RLE encoding of
 * the thresholded result.
 */
package io.ticketlab.model.roi.mask;

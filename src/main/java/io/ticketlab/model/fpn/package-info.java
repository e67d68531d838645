/**
 * Feature pyramid networks (Lin et al. 2017) as torchvision 0.14 builds them: {@link
 * io.ticketlab.model.fpn.FeaturePyramidNetwork} (lateral 1×1 and output 3×3 convolutions, nearest
 * top-down upsampling, {@code LastLevelMaxPool}) and {@link io.ticketlab.model.fpn.BackboneWithFPN}
 * (a ResNet body plus the pyramid, with torchvision's {@code backbone.body.*} / {@code
 * backbone.fpn.*} state-dict names).
 */
package io.ticketlab.model.fpn;

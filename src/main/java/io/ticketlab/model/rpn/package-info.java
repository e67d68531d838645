/**
 * The region proposal network of Faster R-CNN (Ren et al. 2015) as torchvision 0.14 builds it for
 * FPN: {@link io.ticketlab.model.rpn.AnchorGenerator}, {@link io.ticketlab.model.rpn.RPNHead} and
 * {@link io.ticketlab.model.rpn.RegionProposalNetwork} (proposal filtering, anchor targets,
 * objectness and box-regression losses), with torchvision's {@code rpn.head.*} names. Proposal
 * selection and targets run on the Java side ({@link io.ticketlab.model.boxes}); only the
 * head and the losses are engine ops, so gradients flow through them. The paper's C4 VOC model
 * uses a single-level variant: 9 anchors ({@link io.ticketlab.model.rpn.AnchorGenerator#c4Default()}),
 * a 512-wide shared conv and optionally the paper code's 2-way softmax objectness.
 */
package io.ticketlab.model.rpn;

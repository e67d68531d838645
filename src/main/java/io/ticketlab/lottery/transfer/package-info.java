/**
 * Ticket transfers (paper Sec. 4.2, supplementary A and B): what a detector takes from an ImageNet
 * ticket ({@link io.ticketlab.lottery.transfer.ImageNetTicket}) or from pretrained weights with a
 * magnitude mask ({@link io.ticketlab.lottery.transfer.MaskTransfer}), as values and a mask over the
 * detector's parameter names.
 */
package io.ticketlab.lottery.transfer;

/**
 * The lottery-ticket engine: masks over named tensors, magnitude and random pruning strategies,
 * pruning schedules, and the training hook that keeps pruned weights at zero. Which tensors are
 * prunable: {@link io.ticketlab.prune.PrunableSet} presets; the paper's Table 3 module groups of the
 * VOC C4 model and their parameter shares: {@link io.ticketlab.prune.ModuleGroup}, {@link
 * io.ticketlab.prune.ModuleGroupShares}.
 */
package io.ticketlab.prune;

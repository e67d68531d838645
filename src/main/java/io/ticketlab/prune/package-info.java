/**
 * The lottery-ticket engine: masks over named tensors, magnitude and random pruning strategies,
 * pruning schedules, and the training hook that keeps pruned weights at zero.
 */
package io.ticketlab.prune;

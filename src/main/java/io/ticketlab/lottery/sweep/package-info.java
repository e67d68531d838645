/** Sweeps: a base experiment plus axes, expanded into cells that are ordinary experiments. */
package io.ticketlab.lottery.sweep;

/** Typed experiment settings: training lengths ({@link io.ticketlab.config.Step}), specs, run ids. */
package io.ticketlab.config;

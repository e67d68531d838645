/**
 * {@code ticketlab demo}: the paper's lottery-ticket experiment on a detector in miniature, built
 * from the library's pieces (synthetic data, detector training, the lottery engine) with nothing
 * to download.
 */
package io.ticketlab.demo;

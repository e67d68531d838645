/**
 * Sweeps: the paper's experiment grid as independent runs. {@link io.ticketlab.lottery.sweep.Sweep}
 * expands grids (a base experiment plus axes) into cells that are ordinary experiments, derives the
 * dependencies of transfer cells on their source cells and groups them into stages; {@link
 * io.ticketlab.lottery.sweep.SweepRunner} runs one cell, or all of them as local child processes;
 * {@link io.ticketlab.lottery.sweep.SweepStatus} reads where each cell stands from the run folders;
 * {@link io.ticketlab.lottery.sweep.ClusterJobs} writes Slurm job arrays and Kubernetes Indexed Jobs.
 */
package io.ticketlab.lottery.sweep;

/**
 * TIDE (Bolya et al., "TIDE: A General Toolbox for Identifying Object Detection Errors", ECCV
 * 2020), reproducing tidecv 1.0.1 number for number: {@link io.ticketlab.analysis.tide.Tide} runs
 * the analysis, {@link io.ticketlab.analysis.tide.TideResult} holds TIDE's AP, the dAP of each
 * {@link io.ticketlab.analysis.tide.TideErrorType}, the special FalsePos/FalseNeg dAPs, the error
 * counts and the error of every detection.
 */
package io.ticketlab.analysis.tide;

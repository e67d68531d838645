/**
 * Keypoint error analysis of Ronchi &amp; Perona ("Benchmarking and Error Diagnosis in
 * Multi-Instance Pose Estimation", ICCV 2017), reproducing the coco-analyze tool (commit 9eb8a0a)
 * number for number, quirks included: {@link io.ticketlab.analysis.keypoints.KeypointAnalysis}
 * classifies every keypoint of a matched detection as {@link
 * io.ticketlab.analysis.keypoints.KeypointError good, jitter, inversion, swap or miss}, corrects
 * the errors, and measures the AP after each cumulative correction step and after each error type
 * alone ({@link io.ticketlab.analysis.keypoints.KeypointAnalysisResult}).
 */
package io.ticketlab.analysis.keypoints;

/**
 * Evaluation of detections against ground truth: COCO (AP/AR over IoU thresholds, object sizes and
 * detection budgets) and Pascal VOC (per-class AP). Pure Java, usable on its own as a library.
 */
package io.ticketlab.eval;

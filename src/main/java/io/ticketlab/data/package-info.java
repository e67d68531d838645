/**
 * Datasets as plain Java values: COCO and Pascal VOC annotation files, their readers and writers,
 * and detection samples with their batching ({@code detection}). Pure Java, no native engine.
 */
package io.ticketlab.data;

/**
 * Datasets as plain Java values: COCO and Pascal VOC annotation files, their readers and writers.
 * Pure Java, no native engine.
 */
package io.ticketlab.data;

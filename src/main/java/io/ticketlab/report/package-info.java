/**
 * Figures and tables built from finished artifacts (size reports, MAC counts, evaluation results).
 * Pure Java: never touches the native engine.
 */
package io.ticketlab.report;

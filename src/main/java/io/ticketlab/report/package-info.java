/**
 * Figures of the analyses, drawn with XChart and saved as PNG and SVG (headless): TIDE's error
 * summary, coco-analyze's keypoint error breakdown, and side-by-side comparisons of several models
 * (dense vs sparse tickets, as in the paper's supplementary Figures 2, 3 and 5). Pure Java.
 */
package io.ticketlab.report;

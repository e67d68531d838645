/**
 * Figures and tables built from finished artifacts, drawn with XChart and saved as PNG and SVG
 * (headless): TIDE's error summary, coco-analyze's keypoint error breakdown, side-by-side
 * comparisons of several models (dense vs sparse tickets, as in the paper's supplementary Figures
 * 2, 3 and 5), disk size and MACs vs sparsity (supplementary Figure 4), and {@link
 * io.ticketlab.report.HtmlReport}: the one-page HTML report of many runs (the paper's tables, AP vs
 * sparsity, convergence) from plain {@link io.ticketlab.report.ReportInput} values. Pure Java: never
 * touches the native engine.
 */
package io.ticketlab.report;

package io.ticketlab.analysis.tide;

/** What TIDE compares: boxes ({@code bbox}) or instance masks ({@code mask}, RLE). */
public enum TideMode {
  BBOX,
  MASK
}

package io.ticketlab.analysis.tide;

/**
 * The error TIDE assigned to one detection.
 *
 * @param resultIndex 0-based index of the detection in the results file
 * @param type its error type (never {@link TideErrorType#MISS})
 * @param targetGtId for CLS and LOC, the annotation id of the GT it would have matched; -1 for
 *     the other types
 * @param ignored whether a crowd region made the detection ignored for the AP (it still gets an
 *     error, as in tidecv 1.0.1)
 */
public record TideDetectionError(
    int resultIndex, TideErrorType type, long targetGtId, boolean ignored) {}

package io.ticketlab.eval.coco;

/**
 * AP of one category (paper Fig. 5): the mean of the accumulated precision over IoU thresholds and
 * recall points at the largest detection budget, over the entries that are defined; -1 when the
 * category has no (non-ignored) ground truth in that area range.
 *
 * @param categoryId the category id
 * @param name its name
 * @param ap AP at IoU 0.50:0.95, all areas
 * @param ap50 AP at IoU 0.50
 * @param ap75 AP at IoU 0.75
 * @param apSmall AP of small objects (-1 when the evaluation has no "small" range)
 * @param apMedium AP of medium objects
 * @param apLarge AP of large objects
 */
public record CategoryAp(
    int categoryId,
    String name,
    double ap,
    double ap50,
    double ap75,
    double apSmall,
    double apMedium,
    double apLarge) {}

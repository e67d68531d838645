package io.ticketlab.eval.coco;

/**
 * The greedy matching of one image, one category and one area range: pycocotools' {@code
 * evalImgs} entry. Detections are in descending score order (ties in results-file order), cut to
 * the largest detection budget; ground truths are in COCO's order (ignored ones last). Arrays are
 * indexed {@code [threshold][detection]} or {@code [threshold][gt]} and are not copied: treat them
 * as read-only.
 *
 * @param imageId the image
 * @param categoryId the category, or -1 when categories are pooled
 * @param areaRange the area range
 * @param maxDet the detection budget used to cut the detections
 * @param dtIds result ids (1-based position in the results file)
 * @param gtIds GT annotation ids, ignored ones last
 * @param dtMatches the GT id each detection matched at each threshold, 0 when unmatched
 * @param gtMatches the result id each GT matched at each threshold, 0 when unmatched
 * @param dtScores detection scores
 * @param gtIgnore whether each GT is ignored (crowd, out of the area range, or no keypoints)
 * @param dtIgnore whether each detection is ignored at each threshold (matched an ignored GT, or
 *     unmatched and outside the area range)
 */
public record ImageEvaluation(
    long imageId,
    int categoryId,
    AreaRange areaRange,
    int maxDet,
    long[] dtIds,
    long[] gtIds,
    long[][] dtMatches,
    long[][] gtMatches,
    double[] dtScores,
    boolean[] gtIgnore,
    boolean[][] dtIgnore) {}

/**
 * The COCO data model ({@link io.ticketlab.data.coco.CocoDataset}, {@link
 * io.ticketlab.data.coco.CocoResult}), a streaming reader and an atomic writer for instances,
 * person-keypoints and results files, and the mask API ({@link io.ticketlab.data.coco.Rle},
 * {@link io.ticketlab.data.coco.PolygonRasterizer}) with the exact semantics of pycocotools.
 */
package io.ticketlab.data.coco;

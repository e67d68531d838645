/**
 * Pascal VOC (VOCdevkit) detection annotations: the XML reader ({@link
 * io.ticketlab.data.voc.VocReader}), the dataset of one split, and the conversion to COCO ({@link
 * io.ticketlab.data.voc.VocToCoco}).
 */
package io.ticketlab.data.voc;

#!/usr/bin/env python3
"""Makes the Keypoint R-CNN parity fixture of TicketLab (development time only).

keypoint_r18_fpn.json holds three parts:
  "model":   KeypointRCNN(resnet_fpn_backbone('resnet18', weights=None, trainable_layers=3),
             num_classes=2, min_size=256, max_size=400, box_score_thresh=0.0) in eval mode with the
             deterministic splitmix fill of make_resnet_fixtures.py (stream = index of the key in
             the state dict; a few output layers scaled by powers of two), run on two noise images:
             keys, shapes, resized sizes and the final boxes, scores, labels, keypoints (x, y, v)
             and keypoint scores in original pixels.
  "loss":    torchvision's keypoints_to_heatmap / keypointrcnn_loss for fixed positive proposals
             and targets (edge cases: x == x2, y == y2, keypoints outside the RoI, visibility 0, a
             person without labelled keypoints) with splitmix logits [N, K, 56, 56] (stream
             LOSS_STREAM, times LOSS_SCALE): heatmap indices, valid flags, loss.
  "bicubic": F.interpolate(mode="bicubic", align_corners=False) of splitmix maps to odd sizes.
Numbers are rounded to 7 significant digits (keypoint coordinates to 6) to keep the file small.

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14, from src/test/python:
    PYTHONPATH=. /usr/bin/python3 make_keypoint_fixtures.py ../resources/parity
"""
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torchvision.models.detection import KeypointRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.models.detection.roi_heads import keypointrcnn_loss, keypoints_to_heatmap

from make_resnet_fixtures import fill, splitmix_uniform

WEIGHT_SCALES = {
    "rpn.head.cls_logits.weight": 1.0 / 64,
    "rpn.head.bbox_pred.weight": 1.0 / 64,
    "roi_heads.box_predictor.cls_score.weight": 1.0 / 16,
    "roi_heads.box_predictor.bbox_pred.weight": 1.0 / 4,
    "roi_heads.keypoint_predictor.kps_score_lowres.weight": 1.0 / 64,
}

IMAGES = [(3, 200, 260, 3_000_000), (3, 240, 180, 3_000_001)]

LOSS_STREAM = 4_000_000
LOSS_SCALE = 4.0

# (channels, in_h, in_w, out_h, out_w, stream)
BICUBIC = [(2, 5, 7, 13, 9, 5_000_000), (1, 56, 56, 37, 61, 5_000_001), (1, 56, 56, 113, 90, 5_000_002),
           (1, 9, 11, 5, 4, 5_000_003), (1, 4, 4, 4, 4, 5_000_004)]


def r(values, digits=7):
    return [float("%.*g" % (digits, v)) for v in values]


def flat(t, digits=7):
    return r(t.detach().flatten().tolist(), digits)


def model_part():
    backbone = resnet_fpn_backbone(backbone_name="resnet18", weights=None, trainable_layers=3)
    model = KeypointRCNN(backbone, num_classes=2, min_size=256, max_size=400, box_score_thresh=0.0)
    model.eval()
    sd = model.state_dict()
    keys = [k for k in sd.keys() if not k.endswith("num_batches_tracked")]
    with torch.no_grad():
        for k_index, key in enumerate(keys):
            sd[key].copy_(torch.from_numpy(fill(key, list(sd[key].shape), k_index) * WEIGHT_SCALES.get(key, 1.0)))
    images = [torch.from_numpy(splitmix_uniform(s, c * h * w).astype(np.float32).reshape(c, h, w) * 0.5 + 0.5)
              for c, h, w, s in IMAGES]
    rec = {"producer": "torch %s, torchvision %s" % (torch.__version__, torchvision.__version__),
           "model": "keypointrcnn_resnet18_fpn", "keys": keys, "shapes": [list(sd[k].shape) for k in keys],
           "weightScales": WEIGHT_SCALES,
           "images": [{"shape": [c, h, w], "stream": s} for c, h, w, s in IMAGES]}
    with torch.no_grad():
        transformed, _ = model.transform(images)
        out = model(images)
    rec["imageSizes"] = [list(s) for s in transformed.image_sizes]
    rec["detections"] = [{"boxes": flat(o["boxes"]), "scores": flat(o["scores"]),
                          "labels": [int(v) for v in o["labels"].tolist()],
                          "keypoints": flat(o["keypoints"], 6), "keypointScores": flat(o["keypoints_scores"])}
                         for o in out]
    return rec


def loss_part():
    num_keypoints = 4
    # image 0: two people; image 1: one person without labelled keypoints and one with
    gt_boxes = [[[10.0, 20.0, 60.0, 120.0], [30.5, 5.25, 90.0, 70.0]],
                [[0.0, 0.0, 40.0, 40.0], [15.0, 12.0, 77.0, 99.0]]]
    gt_keypoints = [
        [[[10.0, 20.0, 2], [60.0, 70.0, 1], [35.3, 120.0, 2], [61.0, 50.0, 2]],
         [[40.0, 6.0, 1], [89.99, 69.99, 2], [55.5, 30.25, 0], [29.0, 4.0, 2]]],
        [[[5.0, 5.0, 0], [10.0, 10.0, 0], [20.0, 20.0, 0], [30.0, 30.0, 0]],
         [[16.0, 13.0, 2], [76.9, 98.9, 1], [50.0, 12.0, 2], [77.0, 99.0, 2]]],
    ]
    # positive proposals and the ground truth each one matches
    proposals = [[[10.0, 20.0, 60.0, 120.0], [12.5, 18.0, 58.0, 115.0], [30.5, 5.25, 90.0, 70.0],
                  [28.0, 8.0, 89.99, 69.99]],
                 [[0.0, 0.0, 40.0, 40.0], [14.0, 11.0, 70.0, 90.0], [15.0, 12.0, 77.0, 99.0]]]
    matched = [[0, 0, 1, 1], [0, 1, 1]]
    props = [torch.tensor(p, dtype=torch.float32) for p in proposals]
    kps = [torch.tensor(k, dtype=torch.float32) for k in gt_keypoints]
    idx = [torch.tensor(m, dtype=torch.int64) for m in matched]
    heatmaps, valid = [], []
    for p, k, m in zip(props, kps, idx):
        h, v = keypoints_to_heatmap(k[m], p, 56)
        heatmaps.append([int(x) for x in h.flatten().tolist()])
        valid.append([int(x) for x in v.flatten().tolist()])
    n = sum(len(p) for p in proposals)
    logits = torch.from_numpy(
        (splitmix_uniform(LOSS_STREAM, n * num_keypoints * 56 * 56) * LOSS_SCALE).astype(np.float32)
    ).reshape(n, num_keypoints, 56, 56)
    loss = keypointrcnn_loss(logits, props, kps, idx)
    # no valid keypoint at all: the zero loss
    zero = keypointrcnn_loss(logits[5:6], [props[1][0:1]], [kps[1]], [idx[1][0:1]])
    return {"numKeypoints": num_keypoints, "gtBoxes": gt_boxes, "gtKeypoints": gt_keypoints,
            "proposals": proposals, "matched": matched, "logitStream": LOSS_STREAM, "logitScale": LOSS_SCALE,
            "heatmaps": heatmaps, "valid": valid, "loss": float(loss), "lossWithoutValid": float(zero)}


def bicubic_part():
    cases = []
    for c, ih, iw, oh, ow, s in BICUBIC:
        x = torch.from_numpy(splitmix_uniform(s, c * ih * iw).astype(np.float32)).reshape(1, c, ih, iw)
        y = F.interpolate(x, size=(oh, ow), mode="bicubic", align_corners=False)
        cases.append({"channels": c, "in": [ih, iw], "out": [oh, ow], "stream": s, "values": flat(y)})
    return cases


def main(out_dir):
    torch.set_grad_enabled(False)
    rec = {"model": model_part(), "loss": loss_part(), "bicubic": bicubic_part()}
    with open("%s/keypoint_r18_fpn.json" % out_dir, "w") as fh:
        json.dump(rec, fh)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")

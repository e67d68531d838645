#!/usr/bin/env python3
"""Makes the end-to-end Faster R-CNN parity fixtures of TicketLab (development time only).

Two torchvision 0.14 detectors in eval mode with deterministic weights (the splitmix fill of
make_resnet_fixtures.py, stream = index of the key in the state dict; a few output layers scaled by
powers of two so that logits and deltas stay in a useful range), run on two noise images of
different sizes with a zero score threshold:
  fasterrcnn_resnet50_fpn (91 classes, min_size 320, max_size 512)   -> detector_r50_fpn.json
  ResNet-18-FPN Faster R-CNN (6 classes, min_size 256, max_size 400) -> detector_r18_fpn.json
Each records the state-dict keys and shapes, the resized image sizes, the RPN proposals and the
final boxes (original pixels), scores and labels. Random weights on noise images give many nearly
tied scores whose order float32 rounding may swap; the Java test compares within tie blocks.

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14:
    /usr/bin/python3 src/test/python/make_detector_fixtures.py src/test/resources/parity
"""
import json
import sys

import numpy as np
import torch
import torchvision
from torchvision.models.detection import FasterRCNN, fasterrcnn_resnet50_fpn
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone

from make_resnet_fixtures import fill, splitmix_uniform

WEIGHT_SCALES = {
    "rpn.head.cls_logits.weight": 1.0 / 64,
    "rpn.head.bbox_pred.weight": 1.0 / 64,
    "roi_heads.box_predictor.cls_score.weight": 1.0 / 16,
    "roi_heads.box_predictor.bbox_pred.weight": 1.0 / 4,
}

IMAGES = [(3, 200, 260, 3_000_000), (3, 240, 180, 3_000_001)]


def flat(t):
    return [float(v) for v in t.detach().flatten().tolist()]


def run(model, name):
    model.eval()
    sd = model.state_dict()
    keys = [k for k in sd.keys() if not k.endswith("num_batches_tracked")]
    with torch.no_grad():
        for k_index, key in enumerate(keys):
            sd[key].copy_(torch.from_numpy(fill(key, list(sd[key].shape), k_index) * WEIGHT_SCALES.get(key, 1.0)))
    images = [torch.from_numpy(splitmix_uniform(s, c * h * w).astype(np.float32).reshape(c, h, w) * 0.5 + 0.5)
              for c, h, w, s in IMAGES]
    rec = {"producer": "torch %s, torchvision %s" % (torch.__version__, torchvision.__version__),
           "model": name, "keys": keys, "shapes": [list(sd[k].shape) for k in keys],
           "weightScales": WEIGHT_SCALES,
           "images": [{"shape": [c, h, w], "stream": s} for c, h, w, s in IMAGES]}
    captured = {}
    original_filter = model.rpn.filter_proposals

    def capture(*args, **kwargs):
        boxes, scores = original_filter(*args, **kwargs)
        captured["proposals"] = boxes
        captured["scores"] = scores
        return boxes, scores

    model.rpn.filter_proposals = capture
    with torch.no_grad():
        transformed, _ = model.transform(images)
        out = model(images)
    model.rpn.filter_proposals = original_filter
    rec["imageSizes"] = [list(s) for s in transformed.image_sizes]
    rec["paddedShape"] = list(transformed.tensors.shape)
    rec["proposals"] = [flat(p) for p in captured["proposals"]]
    rec["proposalScores"] = [flat(p) for p in captured["scores"]]
    rec["detections"] = [{"boxes": flat(o["boxes"]), "scores": flat(o["scores"]),
                          "labels": [int(v) for v in o["labels"].tolist()]} for o in out]
    return rec


def main(out_dir):
    torch.set_grad_enabled(False)
    r50 = fasterrcnn_resnet50_fpn(weights=None, weights_backbone=None, num_classes=91,
                                  min_size=320, max_size=512, box_score_thresh=0.0)
    with open("%s/detector_r50_fpn.json" % out_dir, "w") as fh:
        json.dump(run(r50, "fasterrcnn_resnet50_fpn"), fh)
    backbone = resnet_fpn_backbone(backbone_name="resnet18", weights=None, trainable_layers=3)
    r18 = FasterRCNN(backbone, num_classes=6, min_size=256, max_size=400, box_score_thresh=0.0)
    with open("%s/detector_r18_fpn.json" % out_dir, "w") as fh:
        json.dump(run(r18, "fasterrcnn_resnet18_fpn"), fh)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")

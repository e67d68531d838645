#!/usr/bin/env python3
"""Makes the Mask R-CNN parity fixture of TicketLab (development time only; TicketLab never runs Python).

1. Inference: a ResNet-18-FPN torchvision 0.14 MaskRCNN (6 classes, min_size 256, max_size 400, zero
   score threshold) in eval mode with the deterministic splitmix fill of make_detector_fixtures.py
   (stream = index of the key in the state dict, a few output layers scaled by powers of two) on the
   two noise images of make_detector_fixtures.py. Per detection: box, score, label, the COCO
   compressed RLE of the pasted mask thresholded at 0.5 (column-major, as pycocotools), a few
   sampled 28x28 probabilities before pasting and a few sampled probabilities of the pasted mask.
2. Training: torchvision's project_masks_on_boxes (roi_align of the float GT masks, 28x28) and
   maskrcnn_loss for fixed positive proposals, matched indices and labels, on ellipse masks given
   by formula, with mask logits from the splitmix generator (stream LOGIT_STREAM).
3. Mask resizing: targets' masks through torchvision's _resize_image_and_masks (nearest).

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14:
    cd src/test/python && PYTHONPATH=. /usr/bin/python3 make_mask_fixtures.py ../resources/parity
"""
import json
import sys

import numpy as np
import torch
import torchvision
from torchvision.models.detection import MaskRCNN
from torchvision.models.detection import roi_heads as tv_roi_heads
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.models.detection.transform import _resize_image_and_masks

from make_detector_fixtures import IMAGES, WEIGHT_SCALES as BOX_WEIGHT_SCALES, flat
from make_resnet_fixtures import fill, splitmix_uniform

WEIGHT_SCALES = dict(BOX_WEIGHT_SCALES)
WEIGHT_SCALES["roi_heads.mask_predictor.mask_fcn_logits.weight"] = 1.0 / 4

SAMPLES = 8
LOGIT_STREAM = 4_000_000


def rle_string(mask):
    """pycocotools' compressed RLE string of a 2-D 0/1 array (column-major runs, starting with 0s)."""
    pixels = np.asarray(mask, dtype=np.uint8).flatten(order="F")
    counts, prev, run = [], 0, 0
    for p in pixels:
        if p != prev:
            counts.append(run)
            run, prev = 0, p
        run += 1
    counts.append(run)
    out = []
    for i, x in enumerate(counts):
        if i > 2:
            x -= counts[i - 2]
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = (x != -1) if (c & 0x10) else (x != 0)
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


def sample_indices(n, count, seed):
    """count distinct indices in [0, n) from a fixed numpy generator."""
    return sorted(np.random.RandomState(seed).choice(n, size=min(count, n), replace=False).tolist())


def inference():
    backbone = resnet_fpn_backbone(backbone_name="resnet18", weights=None, trainable_layers=3)
    model = MaskRCNN(backbone, num_classes=6, min_size=256, max_size=400, box_score_thresh=0.0)
    model.eval()
    sd = model.state_dict()
    keys = [k for k in sd.keys() if not k.endswith("num_batches_tracked")]
    with torch.no_grad():
        for k_index, key in enumerate(keys):
            sd[key].copy_(torch.from_numpy(fill(key, list(sd[key].shape), k_index) * WEIGHT_SCALES.get(key, 1.0)))
    images = [torch.from_numpy(splitmix_uniform(s, c * h * w).astype(np.float32).reshape(c, h, w) * 0.5 + 0.5)
              for c, h, w, s in IMAGES]
    captured = {}
    original = tv_roi_heads.maskrcnn_inference

    def capture(x, labels):
        probs = original(x, labels)
        captured["probs"] = probs
        return probs

    tv_roi_heads.maskrcnn_inference = capture
    with torch.no_grad():
        transformed, _ = model.transform(images)
        out = model(images)
    tv_roi_heads.maskrcnn_inference = original
    rec = {"model": "maskrcnn_resnet18_fpn", "keys": keys, "shapes": [list(sd[k].shape) for k in keys],
           "weightScales": WEIGHT_SCALES,
           "images": [{"shape": [c, h, w], "stream": s} for c, h, w, s in IMAGES],
           "imageSizes": [list(s) for s in transformed.image_sizes], "detections": []}
    for i, o in enumerate(out):
        probs = captured["probs"][i][:, 0]
        masks = o["masks"][:, 0]
        m = probs.shape[-1]
        h, w = masks.shape[-2:]
        det = {"boxes": flat(o["boxes"]), "scores": flat(o["scores"]),
               "labels": [int(v) for v in o["labels"].tolist()], "maskSize": m,
               "rle": [], "probabilityIndex": [], "probability": [], "pastedIndex": [], "pasted": []}
        for k in range(masks.shape[0]):
            det["rle"].append(rle_string((masks[k] > 0.5).numpy()))
            idx = sample_indices(m * m, SAMPLES, 1000 * i + k)
            det["probabilityIndex"].append(idx)
            det["probability"].append([float(v) for v in probs[k].flatten()[idx].tolist()])
            inside = torch.nonzero(masks[k].flatten() > 0.05)[:, 0].tolist()
            pool = inside if len(inside) >= SAMPLES else list(range(h * w))
            pidx = sorted(pool[j] for j in sample_indices(len(pool), SAMPLES, 2000 * i + k + 7))
            det["pastedIndex"].append(pidx)
            det["pasted"].append([float(v) for v in masks[k].flatten()[pidx].tolist()])
        rec["detections"].append(det)
    return rec


def ellipse(h, w, cx, cy, rx, ry):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    return (((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0).astype(np.uint8)


TRAIN_IMAGES = [
    {"size": [96, 120], "ellipses": [[40.0, 30.0, 25.0, 18.0], [90.0, 70.0, 20.0, 22.0]], "labels": [2, 5]},
    {"size": [70, 64], "ellipses": [[20.0, 40.0, 12.0, 25.0], [45.0, 15.0, 30.0, 9.0], [32.0, 35.0, 6.0, 6.0]],
     "labels": [1, 3, 4]},
]
TRAIN_PROPOSALS = [
    # (x1, y1, x2, y2), matched ground-truth index
    [([14.2, 11.7, 66.3, 49.1], 0), ([18.0, 9.5, 61.0, 52.25], 0), ([69.4, 46.6, 111.8, 93.0], 1),
     ([72.0, 50.0, 140.0, 101.0], 1), ([40.3, 29.9, 40.8, 30.2], 0)],
    [([7.5, 14.2, 33.1, 66.0], 0), ([-5.0, -3.0, 60.0, 31.0], 1), ([25.9, 28.4, 38.7, 41.1], 2),
     ([10.0, 5.0, 80.0, 75.0], 1)],
]


def training():
    gt_masks, proposals, matched, labels, rec_images = [], [], [], [], []
    for im, props in zip(TRAIN_IMAGES, TRAIN_PROPOSALS):
        h, w = im["size"]
        gt_masks.append(torch.from_numpy(np.stack([ellipse(h, w, *e) for e in im["ellipses"]])))
        proposals.append(torch.tensor([p for p, _ in props], dtype=torch.float32))
        matched.append(torch.tensor([g for _, g in props], dtype=torch.int64))
        labels.append(torch.tensor(im["labels"], dtype=torch.int64))
        rec_images.append({"size": im["size"], "ellipses": im["ellipses"], "labels": im["labels"],
                           "proposals": [p for p, _ in props], "matched": [g for _, g in props]})
    total = sum(len(p) for p in TRAIN_PROPOSALS)
    classes, m = 6, 28
    logits = torch.from_numpy(
        (splitmix_uniform(LOGIT_STREAM, total * classes * m * m) * 4.0).astype(np.float32).reshape(total, classes, m, m))
    targets = [tv_roi_heads.project_masks_on_boxes(gm, p, i, m) for gm, p, i in zip(gt_masks, proposals, matched)]
    loss = tv_roi_heads.maskrcnn_loss(logits, proposals, gt_masks, labels, matched)
    empty = tv_roi_heads.maskrcnn_loss(logits[:0], [p[:0] for p in proposals], gt_masks, labels,
                                       [i[:0] for i in matched])
    return {"images": rec_images, "classes": classes, "maskSize": m, "logitStream": LOGIT_STREAM, "logitScale": 4.0,
            "targets": [flat(t) for t in targets], "loss": float(loss), "emptyLoss": float(empty)}


RESIZE_CASES = [(96, 120, 256.0, 400.0), (70, 64, 256.0, 400.0), (200, 260, 150.0, 1333.0), (37, 91, 800.0, 1333.0)]


def resizing():
    cases = []
    for h, w, min_size, max_size in RESIZE_CASES:
        mask = ellipse(h, w, w * 0.45, h * 0.55, w * 0.3, h * 0.35)
        image = torch.zeros(3, h, w)
        _, target = _resize_image_and_masks(image, min_size, max_size, {"masks": torch.from_numpy(mask[None])})
        out = target["masks"][0].numpy()
        cases.append({"size": [h, w], "ellipse": [w * 0.45, h * 0.55, w * 0.3, h * 0.35],
                      "resized": list(out.shape), "rle": rle_string(out)})
    return cases


def main(out_dir):
    torch.set_grad_enabled(False)
    rec = {"producer": "torch %s, torchvision %s" % (torch.__version__, torchvision.__version__),
           "inference": inference(), "training": training(), "resizing": resizing()}
    with open("%s/mask_r18_fpn.json" % out_dir, "w") as fh:
        json.dump(rec, fh)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")

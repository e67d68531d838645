#!/usr/bin/env python3
"""Makes the RoIAlign, MultiScaleRoIAlign, GeneralizedRCNNTransform and box-head parity fixtures of TicketLab
(development time only; TicketLab never runs Python).

Inputs (feature maps, images, upstream gradients) are not stored: they come from the splitmix64
generator of make_resnet_fixtures.py, which the Java tests re-implement (io.ticketlab.testing.Splitmix).
Boxes, options and torchvision's outputs are stored.

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14:
    /usr/bin/python3 src/test/python/make_roi_fixtures.py src/test/resources/parity
"""
import json
import sys
from collections import OrderedDict

import numpy as np
import torch
import torchvision
from torchvision.models.detection.transform import GeneralizedRCNNTransform
from torchvision.ops import MultiScaleRoIAlign, roi_align

MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
PRODUCER = "torch %s, torchvision %s" % (torch.__version__, torchvision.__version__)


def splitmix_uniform(stream, n):
    """n values in [-1, 1): splitmix64 of (stream << 32) + i, top 24 bits."""
    with np.errstate(over="ignore"):
        x = (np.uint64(stream) << np.uint64(32)) + np.arange(n, dtype=np.uint64)
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    u = (z >> np.uint64(40)).astype(np.float64) / float(1 << 24)
    return 2.0 * u - 1.0


def tensor(stream, shape):
    n = int(np.prod(shape))
    return torch.from_numpy(splitmix_uniform(stream, n).astype(np.float32).reshape(shape))


def floats(t):
    return [float(v) for v in t.detach().flatten().tolist()]


def roi_align_cases(out_dir):
    feat_shape = [2, 3, 10, 12]
    # Boxes in feature-map pixels (divided by spatial_scale below): inside, partly outside on each
    # side, tiny, whole map, fully outside, fractional, at the far edge, degenerate (zero size).
    base = [
        [0, 1.0, 1.0, 8.0, 6.0],
        [1, -3.0, -2.0, 4.0, 5.0],
        [0, 9.0, 7.0, 15.0, 14.0],
        [1, 2.3, 3.7, 2.6, 3.9],
        [0, 0.0, 0.0, 12.0, 10.0],
        [1, -5.0, -5.0, -2.0, -1.0],
        [0, 5.5, 2.25, 11.75, 9.5],
        [1, 10.9, 8.9, 11.9, 9.9],
        [0, 4.0, 4.0, 4.0, 4.0],
        [1, -0.75, 9.2, 3.1, 10.6],
    ]
    cases = []
    configs = [
        ([7, 7], 1.0, 2, False),
        ([7, 7], 0.5, 2, True),
        ([3, 5], 0.25, -1, False),
        ([3, 5], 1.0, -1, True),
        ([14, 14], 0.5, 2, False),
        ([2, 2], 0.125, 0, False),
    ]
    for ci, (out, scale, ratio, aligned) in enumerate(configs):
        feats = tensor(10, feat_shape).requires_grad_(True)
        rois = torch.tensor(base, dtype=torch.float32)
        rois[:, 1:] /= scale
        y = roi_align(feats, rois, output_size=tuple(out), spatial_scale=scale,
                      sampling_ratio=ratio, aligned=aligned)
        g = tensor(20 + ci, list(y.shape))
        (y * g).sum().backward()
        cases.append({
            "outputSize": out, "spatialScale": scale, "samplingRatio": ratio, "aligned": aligned,
            "rois": [[float(v) for v in r] for r in rois.tolist()],
            "gradStream": 20 + ci,
            "output": floats(y), "featureGrad": floats(feats.grad),
        })
    with open("%s/roi_align_cases.json" % out_dir, "w") as fh:
        json.dump({"producer": PRODUCER, "featureShape": feat_shape, "featureStream": 10,
                   "cases": cases}, fh)


def multiscale_cases(out_dir):
    image_shapes = [(500, 600), (512, 640)]
    shapes = OrderedDict([("0", [2, 3, 128, 160]), ("1", [2, 3, 64, 80]),
                          ("2", [2, 3, 32, 40]), ("3", [2, 3, 16, 20]),
                          ("pool", [2, 3, 8, 10])])
    boxes = [
        torch.tensor([[10.0, 12.0, 40.0, 30.0], [0.0, 0.0, 600.0, 500.0], [100.5, 200.25, 212.0, 320.0],
                      [300.0, 50.0, 330.0, 400.0], [590.0, 480.0, 640.0, 530.0], [5.0, 5.0, 5.5, 6.0]]),
        torch.tensor([[50.0, 60.0, 274.0, 284.0], [50.0, 60.0, 273.9, 283.9], [-20.0, -10.0, 100.0, 80.0],
                      [400.0, 100.0, 630.0, 500.0], [120.0, 130.0, 232.0, 242.0]]),
    ]
    out = {"producer": PRODUCER, "imageShapes": [list(s) for s in image_shapes],
           "featureShapes": shapes, "featureStreams": {k: 30 + i for i, k in enumerate(shapes)},
           "boxes": [b.tolist() for b in boxes], "cases": []}
    for ci, size in enumerate([7, 14]):
        feats = OrderedDict((k, tensor(30 + i, s).requires_grad_(True)) for i, (k, s) in enumerate(shapes.items()))
        pooler = MultiScaleRoIAlign(["0", "1", "2", "3"], output_size=size, sampling_ratio=2)
        y = pooler(feats, boxes, image_shapes)
        g = tensor(40 + ci, list(y.shape))
        (y * g).sum().backward()
        grad_dots = {}
        for i, (k, f) in enumerate(feats.items()):
            if f.grad is None:
                continue
            r = tensor(50 + i, list(f.shape))
            grad_dots[k] = float((f.grad.double() * r.double()).sum())
        levels = pooler.map_levels(boxes)
        out["cases"].append({"outputSize": size, "samplingRatio": 2, "gradStream": 40 + ci,
                             "gradDotStreams": {k: 50 + i for i, k in enumerate(shapes)},
                             "scales": pooler.scales, "levels": [int(v) for v in levels.tolist()],
                             "output": floats(y), "gradDots": grad_dots})
    with open("%s/roi_align_multiscale.json" % out_dir, "w") as fh:
        json.dump(out, fh)


def transform_cases(out_dir):
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    shapes = [[3, 37, 53], [3, 61, 45], [3, 20, 90]]
    boxes = [[[1.0, 2.0, 30.5, 20.0], [0.0, 0.0, 53.0, 37.0]],
             [[10.25, 3.5, 44.0, 60.0]],
             [[0.0, 0.0, 1.0, 1.0], [70.0, 5.0, 90.0, 19.5], [33.3, 6.6, 44.4, 17.7]]]
    cases = []
    for ci, (min_size, max_size) in enumerate([(128, 200), (128, 150), (800, 1333), (64, 1000)]):
        images = [(tensor(60 + i, s) + 1.0) / 2.0 for i, s in enumerate(shapes)]
        if min_size == 800:
            images, boxes_used = images[:1], boxes[:1]
        else:
            boxes_used = boxes
        targets = [{"boxes": torch.tensor(b), "labels": torch.ones(len(b), dtype=torch.int64)} for b in boxes_used]
        t = GeneralizedRCNNTransform(min_size, max_size, mean, std)
        t.eval()
        il, tg = t(images, targets)
        batch = il.tensors
        flat = batch.flatten()
        stride = max(101, (flat.numel() // 1500) | 1)
        detections = [{"boxes": tt["boxes"]} for tt in tg]
        post = t.postprocess(detections, il.image_sizes, [img.shape[-2:] for img in images])
        cases.append({
            "minSize": min_size, "maxSize": max_size, "imageCount": len(images),
            "imageSizes": [list(s) for s in il.image_sizes], "batchShape": list(batch.shape),
            "sampleStride": stride, "samples": floats(flat[::stride]),
            "sum": float(flat.double().sum()), "absSum": float(flat.double().abs().sum()),
            "boxes": [floats(tt["boxes"]) for tt in tg],
            "postprocessedBoxes": [floats(p["boxes"]) for p in post],
        })
    with open("%s/transform_cases.json" % out_dir, "w") as fh:
        json.dump({"producer": PRODUCER, "mean": mean, "std": std, "imageShapes": shapes,
                   "imageStreams": [60, 61, 62], "imageMapping": "(u + 1) / 2",
                   "boxes": boxes, "cases": cases}, fh)


def box_head_cases(out_dir):
    from torchvision.models.detection.faster_rcnn import FastRCNNPredictor, TwoMLPHead
    from torchvision.models.detection.roi_heads import fastrcnn_loss
    head, predictor = TwoMLPHead(3 * 2 * 2, 8), FastRCNNPredictor(8, 4)
    params = []
    for prefix, module in (("box_head.", head), ("box_predictor.", predictor)):
        for name, p in module.named_parameters():
            stream = 70 + len(params)
            with torch.no_grad():
                p.copy_(tensor(stream, list(p.shape)))
            params.append({"name": prefix + name, "shape": list(p.shape), "stream": stream})
    x = tensor(80, [6, 3, 2, 2]).requires_grad_(True)
    logits, deltas = predictor(head(x))
    labels = [torch.tensor([0, 2, 1]), torch.tensor([0, 3, 2])]
    targets = [tensor(81, [3, 4]), tensor(82, [3, 4])]
    cls_loss, box_loss = fastrcnn_loss(logits, deltas, labels, targets)
    (cls_loss + 2.0 * box_loss).backward()
    _, box_none = fastrcnn_loss(logits, deltas, [torch.zeros(3, dtype=torch.int64)] * 2, targets)
    with open("%s/roi_heads_box.json" % out_dir, "w") as fh:
        json.dump({"producer": PRODUCER, "parameters": params, "input": {"shape": [6, 3, 2, 2], "stream": 80},
                   "labels": [int(v) for v in torch.cat(labels)], "targetStreams": [81, 82],
                   "classLogits": floats(logits), "boxRegression": floats(deltas),
                   "classifierLoss": float(cls_loss), "boxLoss": float(box_loss),
                   "boxLossWithoutPositives": float(box_none),
                   "inputGrad": floats(x.grad),
                   "fc6WeightGrad": floats(head.fc6.weight.grad)}, fh)


def main(out_dir):
    torch.manual_seed(0)
    roi_align_cases(out_dir)
    multiscale_cases(out_dir)
    transform_cases(out_dir)
    box_head_cases(out_dir)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")

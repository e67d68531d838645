#!/usr/bin/env python3
"""Makes the box-operation, anchor, FPN and RPN parity fixtures of TicketLab (development time only).

Weights are not stored: every state-dict entry is filled by the splitmix64 generator of
make_resnet_fixtures.py (stream = index of the key in the state dict), which the Java tests re-implement.

Writes box_ops.json (IoU, BoxCoder, Matcher, NMS with ties, clip/remove-small), anchors_fpn.json,
fpn_nearest.json (F.interpolate nearest) and rpn_resnet18_fpn.json (R18-FPN + RPN in eval mode on a
2x3x128x160 input: features (every element through per-plane checksums, plus dense planes), every
head output, every eval and training proposal, anchor labels, every regression target, torch's
sampled anchors and the losses on them).

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14:
    /usr/bin/python3 src/test/python/make_rpn_fixtures.py src/test/resources/parity
"""
import json
import math
import sys

import numpy as np
import torch
import torchvision
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.rpn import RegionProposalNetwork, RPNHead, concat_box_prediction_layers
from torchvision.ops import boxes as box_ops

from make_resnet_fixtures import f32, fill, plane_checksums, splitmix_uniform


def flat(t):
    return [float(v) for v in t.detach().flatten().tolist()]


def ints(t):
    return [int(v) for v in t.flatten().tolist()]


def random_boxes(stream, n, extent, quantum=None):
    u = (splitmix_uniform(stream, 4 * n).reshape(n, 4) + 1.0) / 2.0
    if quantum:
        u = np.round(u * quantum) / quantum
    x1 = u[:, 0] * extent * 0.8
    y1 = u[:, 1] * extent * 0.8
    w = u[:, 2] * extent * 0.3 + 0.5
    h = u[:, 3] * extent * 0.3 + 0.5
    return torch.from_numpy(np.stack([x1, y1, x1 + w, y1 + h], 1).astype(np.float32))


def box_fixtures():
    rec = {}
    a = random_boxes(11, 40, 100.0)
    b = random_boxes(12, 30, 100.0)
    rec["boxesA"] = flat(a)
    rec["boxesB"] = flat(b)
    rec["iou"] = flat(box_ops.box_iou(a, b))
    for name, weights in (("rpn", (1.0, 1.0, 1.0, 1.0)), ("roi", (10.0, 10.0, 5.0, 5.0))):
        coder = det_utils.BoxCoder(weights)
        enc = coder.encode_single(b, a[:30])
        codes = torch.from_numpy((splitmix_uniform(13, 30 * 8) * 5.0).astype(np.float32)).reshape(30, 8)
        dec = coder.decode(codes, [a[:30]])
        rec["encode_" + name] = flat(enc)
        rec["codes"] = flat(codes)
        rec["decode_" + name] = flat(dec)
    # matcher: iou matrix [gt, anchors] with a duplicated gt box (ties)
    gt = torch.cat([b[:5], b[2:3]])
    m = box_ops.box_iou(gt, a)
    rec["matcherGt"] = flat(gt)
    for low_q in (True, False):
        matcher = det_utils.Matcher(0.5, 0.2, allow_low_quality_matches=low_q)
        rec["matches_lowQuality_%s" % low_q] = ints(matcher(m))
    # nms with ties: quantized boxes and scores
    boxes = random_boxes(14, 300, 60.0, quantum=8)
    scores = torch.from_numpy(np.round((splitmix_uniform(15, 300) + 1) * 10) / 20).float()
    idxs = torch.from_numpy(((splitmix_uniform(16, 300) + 1) * 2).astype(np.int64))
    rec["nmsBoxes"] = flat(boxes)
    rec["nmsScores"] = flat(scores)
    rec["nmsClasses"] = ints(idxs)
    for thr in (0.3, 0.5, 0.7):
        rec["nms_%s" % thr] = ints(box_ops.nms(boxes, scores, thr))
        rec["batchedNms_%s" % thr] = ints(box_ops._batched_nms_coordinate_trick(boxes, scores, idxs, thr))
        rec["batchedNmsVanilla_%s" % thr] = ints(box_ops._batched_nms_vanilla(boxes, scores, idxs, thr))
    rec["sortDescending"] = ints(scores.sort(0, descending=True)[1])
    clipped = box_ops.clip_boxes_to_image(a * 1.5 - 20, (90, 70))
    rec["clipped_90x70"] = flat(clipped)
    rec["removeSmall_8"] = ints(box_ops.remove_small_boxes(clipped, 8.0))
    return rec


def nearest_fixture():
    """F.interpolate(mode="nearest") to sizes that are not exact doubles (odd-sized images)."""
    x = torch.arange(2 * 3 * 5, dtype=torch.float32).reshape(1, 2, 3, 5)
    out = {"input": flat(x), "inputShape": list(x.shape), "cases": []}
    for size in ((5, 9), (6, 10), (7, 13), (4, 3)):
        y = torch.nn.functional.interpolate(x, size=size, mode="nearest")
        out["cases"].append({"size": list(size), "output": flat(y)})
    return out


def anchors_fixture():
    gen = AnchorGenerator(((32,), (64,), (128,), (256,), (512,)), ((0.5, 1.0, 2.0),) * 5)
    images = ImageList(torch.zeros(2, 3, 128, 160), [(120, 150), (128, 100)])
    feats = [torch.zeros(2, 1, 128 // s, 160 // s) for s in (4, 8, 16, 32)] + [torch.zeros(2, 1, 2, 3)]
    anchors = gen(images, feats)
    assert torch.equal(anchors[0], anchors[1])
    return {"cellAnchors": [flat(c) for c in gen.cell_anchors], "anchors": flat(anchors[0]),
            "imageSize": [128, 160], "gridSizes": [list(f.shape[-2:]) for f in feats]}


WEIGHT_SCALES = {"rpn.head.cls_logits.weight": 1.0 / 16, "rpn.head.bbox_pred.weight": 1.0 / 64}


def rpn_fixture():
    torch.manual_seed(0)
    backbone = resnet_fpn_backbone(backbone_name="resnet18", weights=None, trainable_layers=3)
    anchor_gen = AnchorGenerator(((32,), (64,), (128,), (256,), (512,)), ((0.5, 1.0, 2.0),) * 5)
    head = RPNHead(backbone.out_channels, anchor_gen.num_anchors_per_location()[0])
    rpn = RegionProposalNetwork(anchor_gen, head, 0.7, 0.3, 256, 0.5,
                                dict(training=2000, testing=1000), dict(training=2000, testing=1000), 0.7)
    model = torch.nn.Module()
    model.backbone = backbone
    model.rpn = rpn
    model.eval()
    sd = model.state_dict()
    keys = [k for k in sd.keys() if not k.endswith("num_batches_tracked")]
    with torch.no_grad():
        for k_index, key in enumerate(keys):
            # powers of two keep the RPN's logits and deltas in a useful range, exactly in Java too
            sd[key].copy_(torch.from_numpy(fill(key, list(sd[key].shape), k_index) * WEIGHT_SCALES.get(key, 1.0)))
    n, h, w = 2, 128, 160
    x = torch.from_numpy(splitmix_uniform(2_000_000, n * 3 * h * w).astype(np.float32).reshape(n, 3, h, w))
    image_sizes = [(128, 160), (120, 150)]
    images = ImageList(x, image_sizes)
    rec = {"producer": "torch %s, torchvision %s" % (torch.__version__, torchvision.__version__),
           "keys": keys, "weightScales": WEIGHT_SCALES, "shapes": [list(sd[k].shape) for k in keys],
           "input": {"shape": [n, 3, h, w], "stream": 2_000_000}, "imageSizes": [list(s) for s in image_sizes]}
    with torch.no_grad():
        feats = backbone(x)
        rec["features"] = []
        for level, (name, f) in enumerate(feats.items()):
            fl = f.flatten()
            entry = {"name": name, "shape": list(f.shape), "sampleStride": 97,
                     "samples": flat(fl[::97]), "absSum": float(fl.double().abs().sum())}
            entry.update(plane_checksums(f, 3_000_000 + level))  # every element, per plane
            rec["features"].append(entry)
        fl = list(feats.values())
        obj, deltas = rpn.head(fl)
        rec["objectness"] = [{"shape": list(o.shape), "values": f32(o.numpy())} for o in obj]
        rec["deltas"] = [{"shape": list(d.shape), "values": f32(d.numpy())} for d in deltas]
        boxes, _ = rpn(images, feats)
        rec["proposals"] = [flat(b) for b in boxes]
        # scores of the eval proposals, recomputed as filter_proposals does
        anchors = rpn.anchor_generator(images, fl)
        num_per_level = [o[0].numel() for o in obj]
        o2, d2 = concat_box_prediction_layers(obj, deltas)
        props = rpn.box_coder.decode(d2, anchors).view(n, -1, 4)
        b2, s2 = rpn.filter_proposals(props, o2, image_sizes, num_per_level)
        assert all(torch.equal(p, q) for p, q in zip(b2, boxes))
        rec["proposalScores"] = [flat(s) for s in s2]
        # training-mode proposals (pre/post NMS top-n 2000): every box and score, in order
        rpn.train()
        b3, s3 = rpn.filter_proposals(props, o2, image_sizes, num_per_level)
        rpn.eval()
        rec["trainProposalCounts"] = [int(b.shape[0]) for b in b3]
        rec["trainProposals"] = [f32(b.numpy()) for b in b3]
        rec["trainProposalScores"] = [f32(s.numpy()) for s in s3]
        # training targets and losses with the sampled indices recorded
        targets = [{"boxes": torch.tensor([[10.0, 20.0, 70.0, 90.0], [60.0, 30.0, 150.0, 120.0], [5.0, 5.0, 30.0, 28.0]])},
                   {"boxes": torch.tensor([[40.0, 40.0, 100.0, 110.0]])}]
        rec["targets"] = [flat(t["boxes"]) for t in targets]
        labels, matched = rpn.assign_targets_to_anchors(anchors, targets)
        rec["labels"] = [ints(l.long()) for l in labels]
        reg = rpn.box_coder.encode(matched, anchors)
        rec["regressionTargets"] = [f32(r.numpy()) for r in reg]  # every anchor of each image
        torch.manual_seed(1234)
        pos, neg = rpn.fg_bg_sampler(labels)
        pos_i = torch.where(torch.cat(pos))[0]
        neg_i = torch.where(torch.cat(neg))[0]
        rec["sampledPositive"] = ints(pos_i)
        rec["sampledNegative"] = ints(neg_i)
        torch.manual_seed(1234)
        loss_obj, loss_box = rpn.compute_loss(o2, d2, labels, reg)
        rec["lossObjectness"] = float(loss_obj)
        rec["lossRpnBoxReg"] = float(loss_box)
    return rec


def main(out_dir):
    torch.set_grad_enabled(False)
    with open("%s/box_ops.json" % out_dir, "w") as fh:
        json.dump(box_fixtures(), fh)
    with open("%s/fpn_nearest.json" % out_dir, "w") as fh:
        json.dump(nearest_fixture(), fh)
    with open("%s/anchors_fpn.json" % out_dir, "w") as fh:
        json.dump(anchors_fixture(), fh)
    with open("%s/rpn_resnet18_fpn.json" % out_dir, "w") as fh:
        json.dump(rpn_fixture(), fh)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")

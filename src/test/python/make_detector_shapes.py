#!/usr/bin/env python3
"""Writes the state-dict key -> shape lists of torchvision 0.14 detectors (no weights) for TicketLab's
pruning-set tests. Usage: /usr/bin/python3 src/test/python/make_detector_shapes.py src/test/resources/shapes"""
import json
import sys

import torchvision
from torchvision.models.detection import KeypointRCNN, MaskRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone

out = sys.argv[1] if len(sys.argv) > 1 else "."
models = {
    "maskrcnn_resnet50_fpn": torchvision.models.detection.maskrcnn_resnet50_fpn(weights=None, weights_backbone=None),
    "maskrcnn_resnet18_fpn": MaskRCNN(resnet_fpn_backbone(backbone_name="resnet18", weights=None), num_classes=91),
    "keypointrcnn_resnet18_fpn": KeypointRCNN(resnet_fpn_backbone(backbone_name="resnet18", weights=None), num_classes=2),
}
for name, m in models.items():
    params = {n for n, _ in m.named_parameters()}
    sd = m.state_dict()
    record = {"producer": "torchvision " + torchvision.__version__,
              "tensors": [{"name": k, "shape": list(v.shape), "parameter": k in params} for k, v in sd.items()]}
    with open("%s/%s.json" % (out, name), "w") as fh:
        json.dump(record, fh)
    print(name, sum(v.numel() for k, v in sd.items() if k in params))

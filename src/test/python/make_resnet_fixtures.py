#!/usr/bin/env python3
"""Makes the ResNet parity fixtures of TicketLab (development time only; TicketLab never runs Python).

Weights are not stored: every state-dict entry is filled by a tiny deterministic generator
(splitmix64 of (entry index << 32) + element index) that the Java test re-implements, so the fixture
holds only the key list, the shapes and the outputs of torchvision's model in eval mode.

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14:
    /usr/bin/python3 src/test/python/make_resnet_fixtures.py src/test/resources/parity
"""
import json
import math
import sys

import numpy as np
import torch
import torchvision

MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


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


def f32(values):
    """float32 values written as the shortest decimal that reads back as the same float32."""
    return [float(repr(v)) for v in np.asarray(values, dtype=np.float32).flatten()]


def plane_checksums(t, stream):
    """Every element of an N x C x H x W output, per (image, channel) plane: its sum, its sum of
    absolute values and its sum weighted by splitmix_uniform(stream, i) over the flattened tensor
    (weights in [-1, 1), exact in float32: an element moved inside its plane changes this one), in
    float64; and the whole planes of channels 0, C/3, 2C/3 and C-1 of each image, as a dense sample."""
    d = t.detach().double()
    w = torch.from_numpy(splitmix_uniform(stream, d.numel())).reshape(d.shape)
    c = d.shape[1]
    channels = sorted({0, c // 3, 2 * c // 3, c - 1})
    return {
        "projectionStream": stream,
        "planeSums": [float(v) for v in d.sum((2, 3)).flatten().tolist()],
        "planeAbsSums": [float(v) for v in d.abs().sum((2, 3)).flatten().tolist()],
        "planeProjections": [float(v) for v in (d * w).sum((2, 3)).flatten().tolist()],
        "densePlanes": [{"image": n, "channel": k, "values": f32(t[n, k].detach().numpy())}
                        for n in range(d.shape[0]) for k in channels],
    }


def fill(name, shape, stream):
    n = int(np.prod(shape)) if len(shape) else 1
    v = splitmix_uniform(stream, n)
    if name.endswith("running_var"):
        out = 1.0 + 0.25 * (v + 1.0)
    elif name.endswith("running_mean") or name.endswith("bias"):
        out = 0.1 * v
    elif len(shape) == 1:  # batch-norm weight
        out = 1.0 + 0.1 * v
    else:
        fan_in = int(np.prod(shape[1:]))
        scale = math.sqrt((6.0 if len(shape) == 4 else 3.0) / fan_in)
        out = v * scale
    return out.astype(np.float32).reshape(shape)


def main(out_dir):
    torch.set_grad_enabled(False)
    for depth in (18, 50):
        model = getattr(torchvision.models, "resnet%d" % depth)()
        model.eval()
        sd = model.state_dict()
        keys = [k for k in sd.keys() if not k.endswith("num_batches_tracked")]
        for k_index, key in enumerate(keys):
            shape = list(sd[key].shape)
            sd[key].copy_(torch.from_numpy(fill(key, shape, k_index)))
        x = torch.from_numpy(
            splitmix_uniform(1_000_000, 2 * 3 * 96 * 80).astype(np.float32).reshape(2, 3, 96, 80))
        feats = []
        y = model.maxpool(model.relu(model.bn1(model.conv1(x))))
        for layer in (model.layer1, model.layer2, model.layer3, model.layer4):
            y = layer(y)
            feats.append(y)
        logits = model.fc(torch.flatten(model.avgpool(y), 1))
        assert torch.allclose(logits, model(x))
        record = {
            "producer": "torch %s, torchvision %s" % (torch.__version__, torchvision.__version__),
            "arch": "resnet%d" % depth,
            "input": {"shape": [2, 3, 96, 80], "stream": 1_000_000},
            "keys": keys,
            "shapes": [list(sd[k].shape) for k in keys],
            "parameterCount": sum(p.numel() for p in model.parameters()),
            "logits": [float(v) for v in logits.flatten().tolist()],
            "features": [],
        }
        for i, f in enumerate(feats):
            flat = f.flatten()
            entry = {
                "name": "C%d" % (i + 2),
                "shape": list(f.shape),
                "sampleStride": 97,
                "samples": [float(v) for v in flat[::97].tolist()],
                "sum": float(flat.double().sum()),
                "absSum": float(flat.double().abs().sum()),
            }
            # every element: C5 whole, C2-C4 through per-plane checksums and dense planes
            if i == 3:
                entry["values"] = f32(flat.numpy())
            else:
                entry.update(plane_checksums(f, 3_000_000 + i))
            record["features"].append(entry)
        with open("%s/resnet%d_eval.json" % (out_dir, depth), "w") as fh:
            json.dump(record, fh)
        print("resnet%d: %d parameters, logits[0,:3] = %s" % (
            depth, record["parameterCount"], logits[0, :3].tolist()))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")

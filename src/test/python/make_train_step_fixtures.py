#!/usr/bin/env python3
"""Makes the training-step parity fixture of TicketLab (development time only; TicketLab never runs Python).

Three SGD steps of torchvision's ResNet-18 (5 classes) in train mode: batch-norm statistics of the
batch, running statistics updated, cross-entropy averaged over the batch, torch.optim.SGD with
momentum and weight decay on the convolution and linear parameters only (TicketLab's rule:
not on batch norms). Weights and images are not stored: they come from the splitmix generator of
make_resnet_fixtures.py, which the Java test re-implements. The fixture holds the loss of each step
and, for every state-dict entry after the last step, its sum, sum of |x| and a splitmix-weighted sum
(stream 5000 + entry index), in float64.

The weight decay is larger than a real recipe's so that a wrong decay rule moves the weights by much
more than float32 rounding does.

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14:
    /usr/bin/python3 src/test/python/make_train_step_fixtures.py src/test/resources/parity
"""
import json
import os
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_resnet_fixtures import fill, splitmix_uniform  # noqa: E402

CLASSES = 5
BATCH = 4
SIZE = 64
STEPS = 3
LR = 0.02
MOMENTUM = 0.9
WEIGHT_DECAY = 0.05
IMAGE_STREAM = 7000
PROJECTION_STREAM = 5000


def decays(name):
    return "bn" not in name and "downsample.1." not in name


def labels(step):
    return [(step + 2 * i) % CLASSES for i in range(BATCH)]


def main(out_dir):
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=CLASSES)
    sd = model.state_dict()
    keys = [k for k in sd.keys() if not k.endswith("num_batches_tracked")]
    with torch.no_grad():
        for k, name in enumerate(keys):
            sd[name].copy_(torch.from_numpy(fill(name, tuple(sd[name].shape), k)))
    model.train()
    params = dict(model.named_parameters())
    opt = torch.optim.SGD([
        {"params": [p for n, p in params.items() if decays(n)], "weight_decay": WEIGHT_DECAY},
        {"params": [p for n, p in params.items() if not decays(n)], "weight_decay": 0.0},
    ], lr=LR, momentum=MOMENTUM)
    losses = []
    for step in range(STEPS):
        x = torch.from_numpy(splitmix_uniform(IMAGE_STREAM + step, BATCH * 3 * SIZE * SIZE)
                             .astype(np.float32).reshape(BATCH, 3, SIZE, SIZE))
        y = torch.tensor(labels(step))
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    after = model.state_dict()
    entries = []
    for k, name in enumerate(keys):
        d = after[name].detach().double().flatten()
        w = torch.from_numpy(splitmix_uniform(PROJECTION_STREAM + k, d.numel()))
        entries.append({"name": name, "shape": list(after[name].shape), "sum": float(d.sum()),
                        "absSum": float(d.abs().sum()), "projection": float((d * w).sum())})
    fixture = {
        "source": "torchvision %s resnet18(num_classes=%d), torch %s, %s" % (
            torchvision.__version__, CLASSES, torch.__version__, os.path.basename(__file__)),
        "classes": CLASSES, "batch": BATCH, "size": SIZE, "steps": STEPS, "lr": LR, "momentum": MOMENTUM,
        "weightDecay": WEIGHT_DECAY, "imageStream": IMAGE_STREAM, "projectionStream": PROJECTION_STREAM,
        "labels": [labels(s) for s in range(STEPS)], "keys": keys, "losses": losses, "after": entries,
    }
    path = os.path.join(out_dir, "resnet18_train_steps.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
    print(path, "losses", losses)


if __name__ == "__main__":
    main(sys.argv[1])

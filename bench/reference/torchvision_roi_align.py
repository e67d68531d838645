#!/usr/bin/env python3
"""torchvision's MultiScaleRoIAlign on the inputs of io.ticketlab.bench.RoiAlignBenchmark.
Usage: torchvision_roi_align.py images size channels rois_per_image output runs [threads]"""
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
from torchvision.ops import MultiScaleRoIAlign


def uniform(stream, n):
    with np.errstate(over="ignore"):
        x = (np.uint64(stream) << np.uint64(32)) + np.arange(n, dtype=np.uint64)
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return 2.0 * (z >> np.uint64(40)).astype(np.float64) / float(1 << 24) - 1.0


def main(images=2, size=512, channels=256, rois=512, output=7, runs=10, threads=None):
    if threads:
        torch.set_num_threads(threads)
    feats = OrderedDict()
    for l in range(4):
        s = size >> (l + 2)
        feats[str(l)] = torch.from_numpy(
            uniform(100 + l, images * channels * s * s).astype(np.float32).reshape(images, channels, s, s)
        ).requires_grad_(True)
    boxes = []
    for i in range(images):
        u = uniform(200 + i, 4 * rois).reshape(rois, 4)
        cx, cy = (u[:, 0] + 1) / 2 * size, (u[:, 1] + 1) / 2 * size
        w, h = 8 + (u[:, 2] + 1) / 2 * 300, 8 + (u[:, 3] + 1) / 2 * 300
        boxes.append(torch.from_numpy(np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1).astype(np.float32)))
    pooler = MultiScaleRoIAlign(["0", "1", "2", "3"], output, 2)
    sizes = [(size, size)] * images
    fwd, both = [], []
    for r in range(runs + 2):
        t0 = time.perf_counter()
        with torch.no_grad():
            pooler(feats, boxes, sizes)
        t1 = time.perf_counter()
        pooler(feats, boxes, sizes).sum().backward()
        t2 = time.perf_counter()
        if r >= 2:
            fwd.append((t1 - t0) * 1e3)
            both.append((t2 - t1) * 1e3)
    print("torchvision %s MultiScaleRoIAlign %d images %dpx C=%d, %d RoIs/image, %dx%d: forward %.1f ms, "
          "forward+backward %.1f ms (median of %d, %d threads)" % (
              __import__("torchvision").__version__, images, size, channels, rois, output, output,
              np.median(fwd), np.median(both), runs, torch.get_num_threads()))


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:]])

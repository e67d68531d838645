#!/usr/bin/env python3
"""Times tidecv 1.0.1 (bbox) on a COCO GT/results pair, for bench/tide.sh's comparison.

tidecv itself is NOT bundled: point TIDE_SRC at a checkout of dbolya/tide at v1.0.1 (commit
49a5d2a), e.g. `git -C tide archive 49a5d2a | tar -x -C /tmp/tide_src`. tidecv is run unmodified.

On machines without pycocotools, OpenCV, matplotlib, seaborn or appdirs (no PyPI access), pass
--shim: pycocotools.mask.iou is replaced by a numpy version of pycocotools' box IoU (bbox mode only
needs that; the GT masks tidecv also builds are unused in bbox mode and become None), and the
plotting/IO modules tidecv imports but does not use here are stubbed. The result line prints
AP50 and the dAPs, so the shim can be checked against TicketLab's numbers.

Usage: TIDE_SRC=/tmp/tide_src python3 bench/tidecv_reference.py GT.json RESULTS.json [--shim] [--range]
       [--full]   (--full also prints the values with all digits)
"""
import os
import sys
import time
import types
from unittest import mock


def install_shims():
    import numpy as np

    def iou(dt, gt, iscrowd):
        if len(dt) == 0 or len(gt) == 0:
            return []
        d = np.asarray(dt, dtype=np.float64).reshape(-1, 4)
        g = np.asarray(gt, dtype=np.float64).reshape(-1, 4)
        crowd = np.asarray(iscrowd, dtype=bool)
        # pycocotools bbIou: w = min(x1+w1, x2+w2) - max(x1, x2), likewise h; u = da (+ ga - i)
        w = np.minimum(d[:, None, 2] + d[:, None, 0], g[None, :, 2] + g[None, :, 0]) \
            - np.maximum(d[:, None, 0], g[None, :, 0])
        h = np.minimum(d[:, None, 3] + d[:, None, 1], g[None, :, 3] + g[None, :, 1]) \
            - np.maximum(d[:, None, 1], g[None, :, 1])
        inter = w * h
        da = (d[:, 2] * d[:, 3])[:, None]
        ga = (g[:, 2] * g[:, 3])[None, :]
        union = np.where(crowd[None, :], da, da + ga - inter)
        out = np.where((w > 0) & (h > 0), inter / np.where(union == 0, 1, union), 0.0)
        return out

    mask = types.ModuleType("pycocotools.mask")
    mask.iou = iou
    mask.frPyObjects = lambda *a, **k: None
    mask.merge = lambda *a, **k: None
    pkg = types.ModuleType("pycocotools")
    pkg.mask = mask
    sys.modules["pycocotools"] = pkg
    sys.modules["pycocotools.mask"] = mask
    for name in ["cv2", "matplotlib", "matplotlib.pyplot", "matplotlib.lines", "seaborn",
                 "pandas", "appdirs"]:
        sys.modules[name] = mock.MagicMock()
    os.environ.setdefault("TIDE_PATH", "/tmp/tide_path")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--shim" in sys.argv:
        install_shims()
    sys.path.insert(0, os.environ["TIDE_SRC"])
    from tidecv import TIDE, datasets

    t0 = time.perf_counter()
    gt = datasets.COCO(args[0])
    dt = datasets.COCOResult(args[1])
    t1 = time.perf_counter()
    tide = TIDE()
    if "--range" in sys.argv:
        tide.evaluate_range(gt, dt, mode=TIDE.BOX)
    t2 = time.perf_counter()
    run = tide.evaluate(gt, dt, mode=TIDE.BOX)
    errors = tide.get_all_errors()
    t3 = time.perf_counter()
    name = list(errors["main"].keys())[0]
    main = errors["main"][name]
    special = errors["special"][name]
    print("tidecv %s: load %.1f s, evaluate_range %.1f s, evaluate + get_all_errors %.1f s"
          % ("(shim)" if "--shim" in sys.argv else "", t1 - t0, t2 - t1, t3 - t2))
    print("AP50 %.4f  " % run.ap + "  ".join("%s %.2f" % (k, v) for k, v in main.items())
          + "  " + "  ".join("%s %.2f" % (k, v) for k, v in special.items()))
    if "--full" in sys.argv:
        print(repr({"AP50": run.ap, "main": main, "special": special,
                    "counts": {k.short_name: v for k, v in run.count_errors().items()}}))


if __name__ == "__main__":
    main()

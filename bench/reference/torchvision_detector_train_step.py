#!/usr/bin/env python3
"""Reference for bench/detect-train-step.sh: the same detector training step in torchvision
(Debian's python3-torch 1.13 / python3-torchvision 0.14): R18-FPN Faster, Mask or Keypoint R-CNN, frozen BN,
3 trainable stages, square random images with three boxes each, SGD momentum 0.9, wd 1e-4 (none on
biases). Arguments: task(det|seg|kp) batch size steps warmup threads [dump-dir].

With dump-dir it only writes the initial weights (dump-dir/weights.pth, a torchvision state dict) and
the images (dump-dir/images.pth, {"images": [batch, 3, size, size]}) and exits: TicketLab's side of the
benchmark then starts from the same model and inputs, so both frameworks see the same proposals and
train their heads on the same number of positive RoIs."""
import statistics
import os
import sys
import time

import torch
import torchvision
from torchvision.models.detection import FasterRCNN, KeypointRCNN, MaskRCNN
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone

task, batch, size, steps, warmup, threads = (sys.argv[1:] + ["det", "2", "256", "10", "3", "2"][len(sys.argv) - 1:])[:6]
dump = sys.argv[7] if len(sys.argv) > 7 else None
batch, size, steps, warmup, threads = int(batch), int(size), int(steps), int(warmup), int(threads)
torch.set_num_threads(threads)
torch.manual_seed(0)
backbone = resnet_fpn_backbone(backbone_name="resnet18", weights=None, trainable_layers=3)
if task == "kp":
    model = KeypointRCNN(backbone, num_classes=2, min_size=size, max_size=size)
else:
    model = (MaskRCNN if task == "seg" else FasterRCNN)(backbone, num_classes=6, min_size=size, max_size=size)
model.train()
decay = [p for n, p in model.named_parameters() if p.requires_grad and n.endswith(".weight")]
no_decay = [p for n, p in model.named_parameters() if p.requires_grad and not n.endswith(".weight")]
opt = torch.optim.SGD([{"params": decay, "weight_decay": 1e-4}, {"params": no_decay, "weight_decay": 0}],
                      lr=0.001, momentum=0.9)
s = float(size)
boxes = torch.tensor([[0.1, 0.1, 0.5, 0.6], [0.4, 0.3, 0.9, 0.8], [0.05, 0.6, 0.3, 0.95]]) * s
images = [torch.rand(3, size, size) for _ in range(batch)]
targets = []
for _ in range(batch):
    t = {"boxes": boxes.clone(), "labels": torch.tensor([1, 1, 1] if task == "kp" else [1, 2, 3])}
    if task == "kp":
        kp = torch.zeros(3, 17, 3)
        for k in range(3):
            b = boxes[k]
            for p in range(17):
                kp[k, p] = torch.tensor([b[0] + (b[2] - b[0]) * ((p * 7) % 17) / 17.0, b[1] + (b[3] - b[1]) * p / 17.0, 2.0])
        t["keypoints"] = kp
    if task == "seg":
        m = torch.zeros(3, size, size, dtype=torch.uint8)
        for k, b in enumerate(boxes.int().tolist()):
            m[k, b[1]:b[3], b[0]:b[2]] = 1
        t["masks"] = m
    targets.append(t)
if dump:
    import os
    os.makedirs(dump, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(dump, "weights.pth"))
    torch.save({"images": torch.stack(images)}, os.path.join(dump, "images.pth"))
    sys.exit(0)
times = []
for i in range(warmup + steps):
    t0 = time.perf_counter()
    opt.zero_grad()
    losses = model(images, targets)
    loss = sum(losses.values())
    loss.backward()
    opt.step()
    loss.item()
    if i >= warmup:
        times.append((time.perf_counter() - t0) * 1000)
if os.environ.get("TV_PROFILE"):  # one more step under torch's profiler, as TL_PROFILE does for TicketLab
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        opt.zero_grad()
        losses = model(images, targets)
        sum(losses.values()).backward()
        opt.step()
    prof.export_chrome_trace(os.environ["TV_PROFILE"])
times.sort()
print("torchvision %s %s R18-FPN batch %d at %dpx, %d threads: median %.1f ms/step, best %.1f ms (loss %.3f)" % (
    torch.__version__, task, batch, size, threads, statistics.median(times), times[0], loss.item()))

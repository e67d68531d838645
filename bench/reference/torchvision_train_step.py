#!/usr/bin/env python3
"""Reference for bench/train-step.sh: the same training step in torchvision (Debian's python3-torch
1.13 / python3-torchvision 0.14). Arguments: arch batch size steps warmup threads."""
import statistics
import sys
import time

import torch
import torchvision

arch, batch, size, steps, warmup, threads = (sys.argv[1:] + ["resnet18", "8", "224", "10", "3", "2"][len(sys.argv) - 1:])[:6]
batch, size, steps, warmup, threads = int(batch), int(size), int(steps), int(warmup), int(threads)
torch.set_num_threads(threads)
torch.manual_seed(0)
model = getattr(torchvision.models, arch)()
model.train()
decay = [p for n, p in model.named_parameters() if "bn" not in n]
no_decay = [p for n, p in model.named_parameters() if "bn" in n]
opt = torch.optim.SGD([{"params": decay, "weight_decay": 1e-4}, {"params": no_decay, "weight_decay": 0}],
                      lr=0.01, momentum=0.9)
x = torch.randn(batch, 3, size, size)
y = torch.randint(0, 1000, (batch,))
times = []
for i in range(warmup + steps):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    loss.item()
    if i >= warmup:
        times.append((time.perf_counter() - t0) * 1000)
times.sort()
print("torchvision %s %s batch %d at %dpx, %d threads: median %.1f ms/step, best %.1f ms (loss %.3f)" % (
    torch.__version__, arch, batch, size, threads, statistics.median(times), times[0], loss.item()))

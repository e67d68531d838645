#!/usr/bin/env bash
# NMS of 1000/2000/4000 random boxes at IoU 0.7: TicketLab's Java NMS, a tensor-op alternative,
# and torchvision 0.14's ops.nms (C++ CPU kernel) on boxes drawn the same way.
# Usage: bench/nms.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
java io.ticketlab.bench.NmsBenchmark
"$PYTHON" - <<'PY'
import time, torch, torchvision
torch.set_num_threads(1)
for n in (1000, 2000, 4000):
    g = torch.Generator().manual_seed(n)
    c = torch.rand(n, 2, generator=g) * torch.tensor([800.0, 600.0])
    wh = 16 + torch.rand(n, 2, generator=g) * 200
    boxes = torch.cat([c - wh / 2, c + wh / 2], 1)
    scores = torch.rand(n, generator=g)
    for _ in range(5):
        torchvision.ops.nms(boxes, scores, 0.7)
    t = time.perf_counter()
    for _ in range(20):
        torchvision.ops.nms(boxes, scores, 0.7)
    print("n=%d torchvision ops.nms %.2f ms" % (n, (time.perf_counter() - t) / 20 * 1e3))
PY

"""torchvision's ImageFolder + DataLoader with PIL: decode, RandomResizedCrop(224) + flip,
ToTensor + Normalize, batches of B. Usage: pil_dataloader.py DIR BATCH WORKERS EPOCHS"""
import sys
import time

import torch
import torchvision
import torchvision.transforms as T

root, batch, workers, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(1)
tf = T.Compose([T.RandomResizedCrop(224), T.RandomHorizontalFlip(), T.ToTensor(),
                T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
ds = torchvision.datasets.ImageFolder(root, transform=tf)
loader = torch.utils.data.DataLoader(ds, batch_size=batch, shuffle=True, num_workers=workers,
                                     drop_last=True, persistent_workers=True, prefetch_factor=2)
for x, y in loader:  # warm-up pass: worker start, page cache
    pass
rates = []
for e in range(epochs):
    t0 = time.perf_counter()
    n = 0
    for x, y in loader:
        n += x.shape[0]
    rates.append(n / (time.perf_counter() - t0))
rates.sort()
print("torchvision %s DataLoader (PIL %s), %d workers: median %.1f images/s, best %.1f"
      % (torchvision.__version__, __import__("PIL").__version__, workers,
         rates[len(rates) // 2], rates[-1]))

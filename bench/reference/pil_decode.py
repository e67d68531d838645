"""PIL's decode alone: Image.open(f).convert("RGB") over a folder, 1 thread; then torchvision's
training transforms alone on the decoded images.
Usage: pil_decode.py DIR EPOCHS"""
import glob
import sys
import time

from PIL import Image

files = sorted(glob.glob(sys.argv[1] + "/*/*.jpg"))
rates = []
for e in range(int(sys.argv[2]) + 1):
    t0 = time.perf_counter()
    for f in files:
        with Image.open(f) as im:
            im.convert("RGB").load()
    if e:
        rates.append(len(files) / (time.perf_counter() - t0))
rates.sort()
print("PIL %s decode only, 1 thread: median %.1f images/s, best %.1f"
      % (Image.__version__, rates[len(rates) // 2], rates[-1]))

# the transforms alone on the decoded images, as ImagePipelineBenchmark times TicketLab's
import torch
from torchvision import transforms

torch.set_num_threads(1)
images = []
for f in files:
    with Image.open(f) as im:
        images.append(im.convert("RGB"))
tf = transforms.Compose([
    transforms.RandomResizedCrop(224), transforms.RandomHorizontalFlip(), transforms.ToTensor(),
    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
rates = []
for e in range(int(sys.argv[2]) + 1):
    t0 = time.perf_counter()
    for im in images:
        tf(im)
    if e:
        rates.append(len(images) / (time.perf_counter() - t0))
rates.sort()
print("torchvision RandomResizedCrop + flip + ToTensor/Normalize only, 1 thread: median %.1f images/s, best %.1f"
      % (rates[len(rates) // 2], rates[-1]))

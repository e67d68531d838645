"""PIL's decode alone: Image.open(f).convert("RGB") over a folder, 1 thread.
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

"""Writes N photo-like 640x480 quality-90 JPEGs (COCO-sized) for bench/image-pipeline.sh.
Usage: make_jpegs.py OUT_DIR N"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "test", "python"))
from make_image_fixtures import photo  # noqa: E402
from PIL import Image  # noqa: E402

out, n = sys.argv[1], int(sys.argv[2])
for c in ("a", "b"):
    os.makedirs(os.path.join(out, c), exist_ok=True)
for i in range(n):
    path = os.path.join(out, "ab"[i % 2], "img%04d.jpg" % i)
    if not os.path.exists(path):
        Image.fromarray(photo(640, 480, 1000 + i)).save(path, quality=90)

"""Writes the image decoder and transform fixtures under src/test/resources/images/.

Run with Debian's Pillow (python3-pil 9.4.0, libjpeg-turbo 2.1.5, the Pillow generation that
torchvision 0.14 used) from the repository root:

    /usr/bin/python3 src/test/python/make_image_fixtures.py

For every image file it stores what ``PIL.Image.open(f).convert("RGB")`` decodes (raw RGB bytes,
gzipped, plus their SHA-256) and, for a few sources, the output of torchvision's classification
transforms as torchvision 0.14 computes them on PIL images (``Resize`` with PIL's resample filter,
``CenterCrop`` at ``int(round((h - ch) / 2.0))`` and ``resized_crop`` = PIL crop + resize). The
torchvision arithmetic is written out here (it is a handful of lines), so torch is not needed.

The pictures are smooth, photo-like scenes (low-frequency colour fields, soft discs, a little
sensor noise) so that JPEG's IDCT and chroma upsampling are exercised as on real photos.
"""

import gzip
import hashlib
import io
import json
import os

import numpy as np
from PIL import Image, features

OUT = os.path.join("src", "test", "resources", "images")
rng = np.random.default_rng(19)


def photo(w, h, seed):
    """A smooth natural-looking RGB picture, uint8 HxWx3."""
    r = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    x /= max(w, h)
    y /= max(w, h)
    img = np.zeros((h, w, 3))
    for c in range(3):
        v = 0.5 + 0.25 * (x * r.uniform(-1, 1) + y * r.uniform(-1, 1))
        for _ in range(4):
            fx, fy = r.uniform(0.5, 4, 2)
            ph = r.uniform(0, 2 * np.pi)
            v += r.uniform(0.05, 0.15) * np.sin(2 * np.pi * (fx * x + fy * y) + ph)
        img[..., c] = v
    for _ in range(5):  # soft blobs: "objects"
        cx, cy = r.uniform(0, w), r.uniform(0, h)
        rad = r.uniform(0.08, 0.3) * max(w, h)
        col = r.uniform(0, 1, 3)
        d = np.sqrt((np.arange(w)[None, :] - cx) ** 2 + (np.arange(h)[:, None] - cy) ** 2)
        a = 1 / (1 + np.exp((d - rad) / (0.08 * rad + 0.5)))
        img = img * (1 - a[..., None]) + col[None, None, :] * a[..., None]
    img += r.normal(0, 0.01, img.shape)
    return np.clip(np.round(img * 255), 0, 255).astype(np.uint8)


def rgb_bytes(path):
    with Image.open(path) as im:
        mode = im.mode
        rgb = im.convert("RGB")
        return mode, rgb


entries = []
transforms = []


def store_raw(name, rgb_img):
    arr = np.asarray(rgb_img, dtype=np.uint8)
    raw = arr.tobytes()
    with gzip.GzipFile(os.path.join(OUT, name), "wb", mtime=0) as f:
        f.write(raw)
    return hashlib.sha256(raw).hexdigest()


def add(name, save, note):
    path = os.path.join(OUT, name)
    save(path)
    mode, rgb = rgb_bytes(path)
    sha = store_raw(name + ".rgb.gz", rgb)
    entries.append({"file": name, "pilMode": mode, "width": rgb.width, "height": rgb.height,
                    "sha256": sha, "note": note})


def patch_adobe_transform(path, transform):
    b = bytearray(open(path, "rb").read())
    i = b.find(b"Adobe")
    assert i > 0
    b[i + 11] = transform
    open(path, "wb").write(bytes(b))


def main():
    os.makedirs(OUT, exist_ok=True)
    a = Image.fromarray(photo(64, 48, 1))
    b = Image.fromarray(photo(37, 23, 2))
    c = Image.fromarray(photo(48, 64, 3))
    big = Image.fromarray(photo(320, 240, 4))
    wide = Image.fromarray(photo(96, 40, 5))
    alpha = Image.fromarray((np.linspace(0, 255, 48 * 64).reshape(64, 48)).astype(np.uint8))

    # PNG
    add("rgb.png", lambda p: a.save(p), "8-bit RGB")
    add("rgb_trns.png", lambda p: a.save(p, transparency=tuple(int(v) for v in np.asarray(a)[0, 0])),
        "RGB with a tRNS colour")
    add("rgba.png", lambda p: Image.merge("RGBA", (*c.split(), alpha)).save(p), "RGBA: alpha dropped")
    add("gray.png", lambda p: b.convert("L").save(p), "8-bit L")
    add("gray_trns.png", lambda p: b.convert("L").save(p, transparency=128), "L with a tRNS level")
    add("gray_alpha.png", lambda p: Image.merge("LA", (c.convert("L"), alpha)).save(p), "LA")
    add("palette.png", lambda p: a.quantize(200).save(p), "P, 8-bit, 200 colours")
    add("palette4.png", lambda p: wide.quantize(16).save(p, bits=4), "P, 4-bit")
    add("palette_trns.png", lambda p: c.quantize(64).save(p, transparency=3), "P with a transparent index")
    add("bilevel.png", lambda p: a.convert("1").save(p), "1-bit")
    g16 = Image.fromarray((np.asarray(b.convert("L"), dtype=np.uint16) * 257 // 3
                           + np.arange(37, dtype=np.uint16)[None, :]).astype(np.uint16))
    add("gray16.png", lambda p: g16.save(p), "16-bit gray (PIL mode I; convert clips at 255)")
    g16low = Image.fromarray((np.asarray(b.convert("L"), dtype=np.uint16)).astype(np.uint16))
    add("gray16_low.png", lambda p: g16low.save(p), "16-bit gray, values below 256")

    # JPEG
    add("rgb_q90.jpg", lambda p: a.save(p, quality=90), "baseline 4:2:0")
    add("rgb_odd_q75.jpg", lambda p: b.save(p, quality=75), "baseline 4:2:0, odd size")
    add("rgb_444.jpg", lambda p: c.save(p, quality=90, subsampling=0), "baseline 4:4:4")
    add("rgb_422.jpg", lambda p: wide.save(p, quality=85, subsampling=1), "baseline 4:2:2")
    add("rgb_progressive.jpg", lambda p: a.save(p, quality=90, progressive=True), "progressive 4:2:0")
    add("rgb_progressive_odd.jpg", lambda p: b.save(p, quality=80, progressive=True), "progressive, odd size")
    add("photo_320x240.jpg", lambda p: big.save(p, quality=90), "baseline 4:2:0, 320x240")
    add("gray.jpg", lambda p: b.convert("L").save(p, quality=90), "grayscale baseline")
    add("gray_progressive.jpg", lambda p: c.convert("L").save(p, quality=90, progressive=True),
        "grayscale progressive")
    add("cmyk.jpg", lambda p: a.convert("CMYK").save(p, quality=90), "CMYK, Adobe transform 0 (inverted)")

    def ycck(p):
        c.convert("CMYK").save(p, quality=90)
        patch_adobe_transform(p, 2)
    add("ycck.jpg", ycck, "Adobe transform 2 (YCCK)")

    # BMP
    add("rgb.bmp", lambda p: b.save(p), "24-bit")
    add("gray.bmp", lambda p: a.convert("L").save(p), "8-bit gray palette")
    add("palette.bmp", lambda p: wide.quantize(100).save(p), "8-bit palette")
    add("bilevel.bmp", lambda p: b.convert("1").save(p), "1-bit")
    add("rgba.bmp", lambda p: Image.merge("RGBA", (*c.split(), alpha)).save(p), "32-bit BGRA")

    # GIF
    add("palette.gif", lambda p: a.quantize(128).save(p), "P")
    add("palette_trns.gif", lambda p: c.quantize(32).save(p, transparency=5), "P with a transparent index")
    add("gray.gif", lambda p: b.convert("L").save(p), "L saved as GIF")

    # torchvision 0.14 transforms on PIL images, spelled out
    def resize_short(img, size, method):
        w, h = img.size
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = size, int(size * long / short)
        nw, nh = (new_short, new_long) if w <= h else (new_long, new_short)
        if (nw, nh) == (w, h):
            return img
        return img.resize((nw, nh), method)

    def center_crop(img, ch, cw):
        w, h = img.size
        assert w >= cw and h >= ch
        top = int(round((h - ch) / 2.0))
        left = int(round((w - cw) / 2.0))
        return img.crop((left, top, left + cw, top + ch))

    methods = {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC}
    sources = {"rgb.png": a, "photo_320x240.jpg": None, "rgb_odd_q75.jpg": None, "rgba.png": None}
    for src in sources:
        _, img = rgb_bytes(os.path.join(OUT, src))
        for mname, m in methods.items():
            sizes = [(32, 28), (100, 90), (21, 21), (47, 30)]
            if src.startswith("photo"):
                sizes.append((256, 224))  # what `classify` does
            for (size, crop) in sizes:
                r = resize_short(img, size, m)
                name = "t_%s_resize%d_crop%d_%s.rgb.gz" % (src.replace(".", "_"), size, crop, mname)
                out = center_crop(r, crop, crop)
                transforms.append({"source": src, "op": "resizeCenterCrop", "interpolation": mname,
                                   "resize": size, "crop": crop, "width": out.width,
                                   "height": out.height, "output": name,
                                   "sha256": store_raw(name, out)})
            # resized_crop(img, top, left, height, width, size): crop then resize
            w, h = img.size
            for k, (top, left, ch, cw, size) in enumerate(
                    [(0, 0, h, w, 24), (3, 5, h // 2, w // 3, 32), (1, 2, h - 3, w - 7, 64),
                     (h // 4, w // 5, 7, 9, 16)]):
                out = img.crop((left, top, left + cw, top + ch)).resize((size, size), m)
                name = "t_%s_rrc%d_%s.rgb.gz" % (src.replace(".", "_"), k, mname)
                transforms.append({"source": src, "op": "resizedCrop", "interpolation": mname,
                                   "top": top, "left": left, "cropHeight": ch, "cropWidth": cw,
                                   "size": size, "width": size, "height": size, "output": name,
                                   "sha256": store_raw(name, out)})

    manifest = {"pillow": Image.__version__, "libjpeg": features.version("jpg"),
                "decoded": entries, "transforms": transforms}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

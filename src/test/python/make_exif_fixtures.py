"""EXIF orientation fixtures: what PIL's ImageOps.exif_transpose makes of each orientation.

Run with Debian's Pillow (python3-pil 9.4.0) from the repository root:

    /usr/bin/python3 src/test/python/make_exif_fixtures.py

Writes src/test/resources/images/exif/: one small JPEG per EXIF orientation 1-8 (little-endian
TIFF header, as Pillow writes it), orientation 6 again with a big-endian header and with the
orientation tag after other tags, orientation 0 and 9 (invalid: left as stored), a PNG with an eXIf
chunk, and a JPEG without EXIF; cases.json holds, per file, the stored size and
``ImageOps.exif_transpose(Image.open(f)).convert("RGB")`` (size and bytes in hex), the reference of
TicketLab's opt-in orientation. Without the opt-in TicketLab decodes as ``convert("RGB")`` alone.
"""

import io
import json
import os
import struct

import numpy as np
from PIL import Image, ImageOps

OUT = os.path.join("src", "test", "resources", "images", "exif")


def picture():
    """A 7x5 picture with no symmetry: every pixel a different colour."""
    y, x = np.mgrid[0:5, 0:7]
    img = np.stack([x * 36, y * 60, (x * 5 + y * 11) % 256], axis=-1).astype(np.uint8)
    return Image.fromarray(img, "RGB")


def exif_le(orientation):
    e = Image.Exif()
    e[0x0112] = orientation
    return e.tobytes()


def exif_be_after_other_tags(orientation):
    """Big-endian TIFF: ImageWidth (LONG), Make (ASCII, offset), Orientation (SHORT)."""
    entries = 3
    ifd_size = 2 + 12 * entries + 4
    make = b"TicketLab\x00"
    make_offset = 8 + ifd_size
    body = struct.pack(">H", entries)
    body += struct.pack(">HHII", 0x0100, 4, 1, 7)
    body += struct.pack(">HHII", 0x010F, 2, len(make), make_offset)
    body += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0)
    body += struct.pack(">I", 0)
    return b"Exif\x00\x00" + b"MM\x00\x2a" + struct.pack(">I", 8) + body + make


def main():
    os.makedirs(OUT, exist_ok=True)
    src = picture()
    files = {}
    for o in range(0, 10):
        files["orientation_%d.jpg" % o] = ("JPEG", exif_le(o))
    files["orientation_6_big_endian.jpg"] = ("JPEG", exif_be_after_other_tags(6))
    files["no_exif.jpg"] = ("JPEG", None)
    files["orientation_8.png"] = ("PNG", exif_le(8))
    cases = []
    for name, (fmt, exif) in sorted(files.items()):
        path = os.path.join(OUT, name)
        kw = {"exif": exif} if exif is not None else {}
        if fmt == "JPEG":
            src.save(path, "JPEG", quality=95, subsampling=0, **kw)
        else:
            src.save(path, "PNG", **kw)
        im = Image.open(path)
        stored = im.size
        out = ImageOps.exif_transpose(im).convert("RGB")
        cases.append({"file": name, "stored": list(stored), "size": list(out.size),
                      "rgb": out.tobytes().hex(), "orientation": im.getexif().get(0x0112)})
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"pillow": Image.__version__, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

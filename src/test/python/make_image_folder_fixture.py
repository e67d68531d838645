"""torchvision 0.14's ImageFolder on awkward folder trees: the reference of TicketLab's ImageFolder.

Run from the repository root with Debian's python3-torchvision 0.14:

    /usr/bin/python3 src/test/python/make_image_folder_fixture.py

Each case is a tree (files, empty: ImageFolder lists, it does not decode; directory symlinks) built
in a temporary folder; the fixture records the tree, torchvision's classes and its samples in
order (paths relative to the root), or the error torchvision raises. The Java test builds the same
trees and compares. Nothing of torchvision's code is copied: the cases only record its output.
"""

import json
import os
import sys
import tempfile

import torchvision
from torchvision.datasets import folder

OUT = os.path.join("src", "test", "resources", "images", "image_folder_cases.json")

# (name, files, directory symlinks [link, target relative to the link's folder], note)
CASES = [
    ("nesting", [
        "cat/b.png", "cat/a/x.png", "cat/a b/y.png", "cat/a-b/z.png", "cat/A/upper.jpg", "cat/_/u.png",
        "cat/a/deeper/w.jpg", "cat/a.png/inner.png", "dog/1.jpg", "dog/10.jpg", "dog/2.jpg", "dog/sub/0.jpg",
    ], [], "os.walk order: a folder's files before its sub-folders' (sorted by the folder's path string)"),
    ("extensions", [
        "a/UPPER.PNG", "a/mixed.JpEg", "a/x.jpeg", "a/y.bmp", "a/anim.gif", "a/notes.txt", "a/noext",
        "a/.png", "a/.hidden.jpg", "a/._resource.jpg", "a/double.png.jpg", "a/trailing.png.", "a/png",
        "b/z.jpg",
    ], [], "torchvision's extensions, case-insensitive, on the end of the name; .gif is not one of them"),
    ("hidden-and-odd-classes", [
        ".hidden/h.png", "Zebra/z.png", "apple/a.png", "_under/u.png", "10/t.png", "9/n.png", "é/e.png",
        "e/plain.png", "loose.png",
    ], [], "every sub-folder is a class (hidden ones too), in code-point order; files at the top are not samples"),
    ("symlinked", [
        "real/r1.png", "real/r2.png", "store/s.png", "other/o.png",
    ], [["linked", "store"], ["other/alias", "../store"]],
     "a symlink to a folder is a class, and is followed inside a class"),
    ("unreadable-formats", ["a/x.png", "a/scan.TIF", "b/y.webp", "b/z.ppm"], [],
     "torchvision lists TIFF, WebP, PPM and PGM files, which TicketLab does not read: it refuses the folder"),
    ("empty-class", ["a/x.png", "b/readme.txt"], [], "a class with no image: torchvision refuses the folder"),
    ("no-classes", ["x.png"], [], "no class folder"),
]


def build(root, files, links):
    for f in files:
        p = os.path.join(root, f)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb"):
            pass
    for link, target in links:
        p = os.path.join(root, link)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.symlink(target, p)


def main():
    out = {"torchvision": torchvision.__version__, "extensions": list(folder.IMG_EXTENSIONS), "cases": []}
    for name, files, links, note in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            root = os.path.join(tmp, "root")
            os.makedirs(root)
            build(root, files, links)
            case = {"name": name, "note": note, "files": files, "links": links}
            try:
                ds = folder.ImageFolder(root, loader=lambda p: p)
                case["classes"] = ds.classes
                case["samples"] = [[os.path.relpath(p, root), label] for p, label in ds.samples]
            except (FileNotFoundError, RuntimeError) as e:
                case["error"] = type(e).__name__ + ": " + str(e).replace(root, "ROOT")
            out["cases"].append(case)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()

"""torchvision 0.14's ImageNet evaluation on the image fixtures: the reference of `classify`.

Run from the repository root after make_image_fixtures.py, with Debian's python3-torch 1.13 /
python3-torchvision 0.14 / python3-pil 9.4:

    /usr/bin/python3 src/test/python/make_classify_fixtures.py

The ResNet-18's weights are not stored: make_resnet_fixtures.py's deterministic generator fills
them (the Java test re-implements it). The script also checks the Java-side reference arithmetic of
make_image_fixtures.py against torchvision itself: every stored Resize + CenterCrop and
resized_crop output must equal torchvision's transforms on the PIL image, byte for byte.
"""

import gzip
import json
import os
import sys

import numpy as np
import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_resnet_fixtures import fill  # noqa: E402

DIR = os.path.join("src", "test", "resources", "images")
IMAGES = ["photo_320x240.jpg", "rgb_q90.jpg", "rgb_progressive_odd.jpg", "gray.jpg",
          "gray_progressive.jpg", "cmyk.jpg", "ycck.jpg", "rgba.png", "gray_alpha.png",
          "palette_trns.png", "gray16.png", "bilevel.png", "palette.gif", "rgb.bmp"]


def check_transforms(manifest):
    modes = {"bilinear": T.InterpolationMode.BILINEAR, "bicubic": T.InterpolationMode.BICUBIC}
    for t in manifest["transforms"]:
        img = Image.open(os.path.join(DIR, t["source"])).convert("RGB")
        m = modes[t["interpolation"]]
        if t["op"] == "resizeCenterCrop":
            out = T.CenterCrop(t["crop"])(T.Resize(t["resize"], interpolation=m)(img))
        else:
            out = F.resized_crop(img, t["top"], t["left"], t["cropHeight"], t["cropWidth"],
                                 [t["size"], t["size"]], interpolation=m)
        with gzip.open(os.path.join(DIR, t["output"])) as f:
            stored = f.read()
        assert np.asarray(out).tobytes() == stored, t["output"]
    print("torchvision %s agrees with the %d stored transform outputs"
          % (torchvision.__version__, len(manifest["transforms"])))


def main():
    torch.set_grad_enabled(False)
    with open(os.path.join(DIR, "manifest.json")) as f:
        manifest = json.load(f)
    check_transforms(manifest)

    model = torchvision.models.resnet18()
    model.eval()
    sd = model.state_dict()
    keys = [k for k in sd.keys() if not k.endswith("num_batches_tracked")]
    for k_index, key in enumerate(keys):
        sd[key].copy_(torch.from_numpy(fill(key, list(sd[key].shape), k_index)))
    preprocess = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(),
                            T.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])
    out = []
    for name in IMAGES:
        x = preprocess(Image.open(os.path.join(DIR, name)).convert("RGB")).unsqueeze(0)
        probs = torch.softmax(model(x), dim=1)[0]
        top = torch.topk(probs, 5)
        out.append({"image": name, "classes": top.indices.tolist(),
                    "probabilities": [float(p) for p in top.values.tolist()]})
        print(name, out[-1]["classes"], ["%.5f" % p for p in out[-1]["probabilities"]])
    record = {"producer": "torch %s, torchvision %s, Pillow %s"
                          % (torch.__version__, torchvision.__version__, Image.__version__),
              "arch": "resnet18", "weights": "make_resnet_fixtures.fill, stream = key index",
              "transform": "Resize(256), CenterCrop(224), ToTensor, Normalize(ImageNet)",
              "predictions": out}
    with open(os.path.join(DIR, "classify_resnet18.json"), "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

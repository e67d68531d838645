#!/usr/bin/env python3
"""Makes the horizontal-flip parity fixture of TicketLab's detection data pipeline (development only).

For a few small samples (random float32 boxes and COCO-person keypoints, some unlabelled, on images of
odd and even width) it records the targets after torchvision's detection reference flip
(references/detection/transforms.py, RandomHorizontalFlip with p = 1):
  * image and masks: torchvision.transforms.functional.hflip
  * boxes: [x1, y1, x2, y2] -> [W - x2, y1, W - x1, y2] in float32
  * keypoints: gathered with COCO's person flip permutation, x -> W - x in float32, and every keypoint
    whose (flipped) visibility is 0 becomes (0, 0, 0)  (_flip_coco_person_keypoints)
If the torchvision repository's references/detection folder is given as the second argument, its own
RandomHorizontalFlip is run too and the two are checked to agree bit for bit; an optional third
argument names that copy (e.g. its repository and commit). The fixture records which flip produced
it in "flip" (and "flip_reference"), and the torch/torchvision versions in "producer".

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14 (pycocotools is not needed):
    /usr/bin/python3 src/test/python/make_detection_data_fixtures.py src/test/resources/parity \
        [path/to/vision/references/detection [name-of-that-copy]]
"""
import json
import sys

import torch
import torchvision
from torchvision.transforms import functional as F

COCO_PERSON_FLIP = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]


def flip(image, target):
    """The reference's flip semantics, stated with torch ops on float32 tensors."""
    width = F.get_dimensions(image)[2]
    out = {k: v.clone() for k, v in target.items()}
    image = F.hflip(image)
    boxes = target["boxes"]
    out["boxes"] = torch.stack([width - boxes[:, 2], boxes[:, 1], width - boxes[:, 0], boxes[:, 3]], dim=1)
    out["masks"] = F.hflip(target["masks"])
    kps = target["keypoints"][:, COCO_PERSON_FLIP].clone()
    kps[..., 0] = width - kps[..., 0]
    kps[kps[..., 2] == 0] = 0
    out["keypoints"] = kps
    return image, out


def make_sample(gen, k, height, width):
    image = torch.rand(3, height, width, generator=gen)
    image = (image * 255).round() / 255
    x1 = torch.rand(k, generator=gen) * (width - 2)
    y1 = torch.rand(k, generator=gen) * (height - 2)
    x2 = x1 + 0.5 + torch.rand(k, generator=gen) * (width - x1 - 0.5)
    y2 = y1 + 0.5 + torch.rand(k, generator=gen) * (height - y1 - 0.5)
    boxes = torch.stack([x1, y1, x2, y2], dim=1).float()
    masks = (torch.rand(k, height, width, generator=gen) > 0.5).to(torch.uint8)
    xy = torch.rand(k, 17, 2, generator=gen) * torch.tensor([width, height])
    v = torch.randint(0, 3, (k, 17, 1), generator=gen).float()
    xy[v[..., 0] == 0] = 0  # COCO convention: unlabelled keypoints are (0, 0, 0)
    keypoints = torch.cat([xy, v], dim=2).float()
    return image, {"boxes": boxes, "labels": torch.ones(k, dtype=torch.int64), "masks": masks,
                   "keypoints": keypoints}


def flat(t):
    return [float(x) for x in t.flatten().tolist()]


def main():
    out_dir = sys.argv[1]
    reference = None
    if len(sys.argv) > 2:
        sys.path.insert(0, sys.argv[2])
        import transforms as reference  # torchvision's references/detection/transforms.py
    gen = torch.Generator().manual_seed(20240611)
    samples = []
    for k, height, width in [(3, 5, 7), (2, 4, 8)]:
        image, target = make_sample(gen, k, height, width)
        flipped_image, flipped = flip(image, target)
        if reference is not None:
            ref_image, ref = reference.RandomHorizontalFlip(p=1.0)(image.clone(), {k2: v.clone() for k2, v in target.items()})
            assert torch.equal(ref_image, flipped_image)
            for key in ("boxes", "masks", "keypoints"):
                assert torch.equal(ref[key], flipped[key]), key
        samples.append({
            "height": height, "width": width, "instances": k,
            "image": flat(image), "boxes": flat(target["boxes"]),
            "masks": [int(x) for x in target["masks"].flatten().tolist()],
            "keypoints": flat(target["keypoints"]),
            "flipped_image": flat(flipped_image), "flipped_boxes": flat(flipped["boxes"]),
            "flipped_masks": [int(x) for x in flipped["masks"].flatten().tolist()],
            "flipped_keypoints": flat(flipped["keypoints"]),
        })
    if reference is not None:
        flip_source = ("torchvision references/detection/transforms.py RandomHorizontalFlip(p=1.0), "
                       "equal bit for bit to this script's flip")
    else:
        flip_source = "this script's flip() (the reference's semantics restated; no reference run)"
    fixture = {"torch": torch.__version__,
               "producer": "torch %s, torchvision %s" % (torch.__version__, torchvision.__version__),
               "flip": flip_source,
               "flip_reference": (sys.argv[3] if len(sys.argv) > 3 else sys.argv[2]) if reference is not None else None,
               "flip_inds": COCO_PERSON_FLIP, "samples": samples}
    with open(f"{out_dir}/detection_flip.json", "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()

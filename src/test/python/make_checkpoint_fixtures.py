#!/usr/bin/python3
"""Writes the small checkpoint fixtures that io.ticketlab.model.io tests read.

Run with Debian's python3-torch (1.13) and numpy:

    /usr/bin/python3 src/test/python/make_checkpoint_fixtures.py [--resnet18 /tmp/ticketlab_resnet18.pth]

Everything goes to src/test/resources/checkpoints/ (a few kB in all) together with expected.json,
which lists for every fixture file the tensor names, dtypes, shapes and row-major values.
With --resnet18 PATH (or --resnet50 PATH) it also writes torchvision's resnet18() (resnet50())
state dict (random init, seed 0, 45 MB / 100 MB) to PATH for a manual test; those files are never
committed. PthReaderTest reads /tmp/ticketlab_resnet18.pth and /tmp/ticketlab_resnet50.pth when
they exist and is skipped otherwise.
"""
import argparse
import copy
import io
import json
import os
import pickle
import struct
import zipfile
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "checkpoints")
MARKER = "/tmp/ticketlab_pwned_marker"


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        return self.fc(x.mean(dim=(2, 3)))


class EvilSystem:
    def __reduce__(self):
        return (os.system, ("touch " + MARKER,))


class EvilEval:
    def __reduce__(self):
        return (eval, ("__import__('os').system('touch " + MARKER + "')",))


def values(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return [bool(v) for v in t.reshape(-1).tolist()]
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.float()
    return t.reshape(-1).tolist()


def describe(tensors):
    return OrderedDict(
        (k, {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "values": values(v)})
        for k, v in tensors.items())


def tiny_state_dict():
    torch.manual_seed(0)
    model = Tiny()
    with torch.no_grad():
        model.bn.running_mean.copy_(torch.randn(4))
        model.bn.running_var.copy_(torch.rand(4) + 0.5)
        model.bn.weight.copy_(torch.rand(4) + 0.5)
        model.bn.bias.copy_(torch.randn(4))
    model.bn.num_batches_tracked.fill_(7)
    return model, model.state_dict()


def dtype_tensors():
    torch.manual_seed(1)
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 4
    shared = torch.arange(10, dtype=torch.float32)
    return OrderedDict([
        ("f32", torch.randn(2, 3)),
        ("f16", (torch.randn(2, 3) * 10).half()),
        ("bf16", (torch.randn(3, 2) * 10).bfloat16()),
        ("f64", torch.randn(5, dtype=torch.float64)),
        ("i64", torch.tensor([[-(2 ** 40), 3], [5, 2 ** 40]], dtype=torch.int64)),
        ("i32", torch.tensor([-7, 0, 2 ** 30], dtype=torch.int32)),
        ("i16", torch.tensor([-300, 300], dtype=torch.int16)),
        ("i8", torch.tensor([-128, -1, 127], dtype=torch.int8)),
        ("u8", torch.tensor([0, 200, 255], dtype=torch.uint8)),
        ("bool", torch.tensor([[True, False], [False, True], [True, True]])),
        ("scalar_f32", torch.tensor(3.5)),
        ("scalar_i64", torch.tensor(42, dtype=torch.int64)),
        ("empty", torch.zeros(0, 3)),
        ("transposed", base.t()),
        ("sliced", base[1:, ::2]),
        ("expanded", torch.tensor([1.0, 2.0, 3.0]).expand(2, 3)),
        ("shared_head", shared[:4]),
        ("shared_tail", shared[6:]),
        ("shared_all", shared.view(2, 5)),
    ])


def save_both(obj, stem):
    torch.save(obj, os.path.join(OUT, stem + "_zip.pth"))
    torch.save(obj, os.path.join(OUT, stem + "_legacy.pth"), _use_new_zipfile_serialization=False)


def write_safetensors(path, tensors, metadata):
    """A hand-written safetensors file (the format, not the package)."""
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
             torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
             torch.uint8: "U8", torch.bool: "BOOL"}
    header = OrderedDict()
    header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for k, v in tensors.items():
        v = v.contiguous()
        if v.dtype == torch.bfloat16:
            raw = v.view(torch.int16).numpy().astype("<i2").tobytes()
        else:
            raw = v.numpy().astype(v.numpy().dtype.newbyteorder("<")).tobytes()
        header[k] = {"dtype": names[v.dtype], "shape": list(v.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


STORAGE_SIZES = {"FloatStorage": 4, "LongStorage": 8, "HalfStorage": 2, "DoubleStorage": 8,
                 "IntStorage": 4, "BFloat16Storage": 2, "ShortStorage": 2}


def storage_element_sizes(stream):
    """Reads (only) which storage key has which element size from one of our own pickles."""
    element_size = {}

    class Peek(pickle.Unpickler):
        def persistent_load(self, pid):
            element_size[pid[2]] = STORAGE_SIZES.get(pid[1].__name__, 1)

        def find_class(self, module, name):
            if name.endswith("Storage"):
                return type(name, (), {})
            if module == "collections":
                return OrderedDict
            return lambda *args: None

    Peek(stream).load()
    return element_size


def swap(data, n):
    return b"".join(data[i:i + n][::-1] for i in range(0, len(data), n))


def write_big_endian_legacy_copy(src, dst):
    """Copies a legacy checkpoint as a big-endian machine would write it (little_endian False)."""
    with open(src, "rb") as f:
        data = f.read()
    stream = io.BytesIO(data)
    magic = pickle.load(stream)
    protocol = pickle.load(stream)
    sys_info = pickle.load(stream)
    start = stream.tell()
    element_size = storage_element_sizes(stream)
    main = data[start:stream.tell()]
    start = stream.tell()
    keys = pickle.load(stream)
    key_pickle = data[start:stream.tell()]
    out = io.BytesIO()
    for value in (magic, protocol, dict(sys_info, little_endian=False)):
        pickle.dump(value, out, protocol=2)
    out.write(main)
    out.write(key_pickle)
    for key in keys:
        count = struct.unpack("<q", stream.read(8))[0]
        out.write(struct.pack(">q", count))
        out.write(swap(stream.read(count * element_size[key]), element_size[key]))
    with open(dst, "wb") as f:
        f.write(out.getvalue())


def write_big_endian_copy(src, dst):
    """Copies a zip-format checkpoint as a big-endian machine would write it (byteorder 'big')."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        top = zin.namelist()[0].split("/")[0]
        element_size = storage_element_sizes(io.BytesIO(zin.read(top + "/data.pkl")))
        for name in zin.namelist():
            data = zin.read(name)
            key = name.split("/data/")[-1] if "/data/" in name else None
            if key is not None:
                data = swap(data, element_size[key])
            zout.writestr(name.replace(top, "big_endian_archive", 1), data)
        zout.writestr("big_endian_archive/byteorder", "big")


def write_npz(path):
    rng = np.random.default_rng(3)
    arrays = OrderedDict([
        ("c_f32", rng.standard_normal((2, 3)).astype("<f4")),
        ("fortran_f64", np.asfortranarray(rng.standard_normal((3, 4)))),
        ("big_i32", np.array([[1, -2, 3], [400000, 5, -6]], dtype=">i4")),
        ("big_f32_fortran", np.asfortranarray(np.arange(6, dtype=">f4").reshape(2, 3))),
        ("f16", np.array([0.5, -2.25, 1000.0], dtype="<f2")),
        ("i64", np.array([-(2 ** 40), 7], dtype="<i8")),
        ("u8", np.array([0, 128, 255], dtype="u1")),
        ("b", np.array([True, False, True])),
        ("scalar", np.array(2.5, dtype="<f4")),
    ])
    np.savez(path, **arrays)
    compressed = path.replace(".npz", "_compressed.npz")
    np.savez_compressed(compressed, **arrays)
    # A version 2.0 header, written entry by entry.
    v2 = path.replace(".npz", "_v2.npz")
    with zipfile.ZipFile(v2, "w") as z:
        for k in ("c_f32", "fortran_f64"):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arrays[k], version=(2, 0))
            z.writestr(k + ".npy", buf.getvalue())
    return arrays


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--resnet18", help="also write torchvision resnet18() state dict here")
    parser.add_argument("--resnet50", help="also write torchvision resnet50() state dict here")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    expected = OrderedDict()

    model, sd = tiny_state_dict()
    save_both(sd, "tiny")
    expected["tiny"] = describe(sd)

    torch.save(sd, os.path.join(OUT, "tiny_protocol4_zip.pth"), pickle_protocol=4)
    write_big_endian_copy(os.path.join(OUT, "tiny_zip.pth"), os.path.join(OUT, "tiny_big_endian_zip.pth"))
    write_big_endian_legacy_copy(os.path.join(OUT, "tiny_legacy.pth"),
                                 os.path.join(OUT, "tiny_big_endian_legacy.pth"))

    dp = nn.DataParallel(model).state_dict()
    assert all(k.startswith("module.") for k in dp)
    torch.save(dp, os.path.join(OUT, "tiny_dataparallel_zip.pth"))

    snapshot = copy.deepcopy(sd)  # sd shares memory with the model, which the step below changes
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
    model(torch.randn(2, 3, 5, 5)).sum().backward()
    opt.step()
    nested = {"epoch": 3, "arch": "tiny", "best_acc1": 0.25, "state_dict": snapshot,
              "optimizer": opt.state_dict(), "flags": [True, None, (1, 2.5, "x")], "blob": b"\x00\x01"}
    save_both(nested, "tiny_nested")
    torch.save({"model": snapshot, "iteration": 10,
                "args": argparse.Namespace(lr=0.02, arch="tiny", epochs=26)}, os.path.join(OUT, "tiny_model_key_zip.pth"))

    dt = dtype_tensors()
    save_both(dt, "dtypes")
    expected["dtypes"] = describe(dt)

    torch.save(model, os.path.join(OUT, "whole_module_zip.pth"))
    loop = []
    loop.append(loop)
    torch.save({"w": torch.ones(1), "loop": loop}, os.path.join(OUT, "recursive_zip.pth"))
    save_both({"conv.weight": torch.ones(2), "payload": EvilSystem()}, "malicious_system")
    torch.save({"payload": EvilEval()}, os.path.join(OUT, "malicious_eval_zip.pth"))

    st = OrderedDict([(k, dt[k]) for k in ("f32", "f16", "bf16", "f64", "i64", "i32", "i8", "u8", "bool", "scalar_f32")])
    write_safetensors(os.path.join(OUT, "dtypes.safetensors"), st, {"format": "pt", "note": "hand-written"})
    expected["safetensors"] = describe(st)

    arrays = write_npz(os.path.join(OUT, "arrays.npz"))
    expected["npz"] = OrderedDict(
        (k, {"dtype": str(a.dtype.newbyteorder("=")), "shape": list(a.shape),
             "values": [bool(x) if a.dtype == np.bool_ else x.item() for x in a.reshape(-1, order="C")]})
        for k, a in arrays.items())

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    if args.resnet18:
        import torchvision
        torch.manual_seed(0)
        r = torchvision.models.resnet18()
        torch.save(r.state_dict(), args.resnet18)
        print("resnet18 parameters:", sum(p.numel() for p in r.parameters()))
    if args.resnet50:
        import torchvision
        torch.manual_seed(0)
        r = torchvision.models.resnet50()
        torch.save(r.state_dict(), args.resnet50)
        print("resnet50 parameters:", sum(p.numel() for p in r.parameters()))


if __name__ == "__main__":
    main()

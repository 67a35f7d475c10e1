"""Checkpoint I/O: PyTorch state_dicts (final.pt), hand-written safetensors, 3m-asr key layouts."""
import json
import os
import struct
from collections import OrderedDict
from typing import Dict, Tuple

import numpy as np
import torch

from .config import ModelConfig

# safetensors dtype names <-> torch dtypes
ST_DTYPES = OrderedDict([
    ("F64", torch.float64), ("F32", torch.float32), ("F16", torch.float16), ("BF16", torch.bfloat16),
    ("I64", torch.int64), ("I32", torch.int32), ("I16", torch.int16), ("I8", torch.int8),
    ("U8", torch.uint8), ("BOOL", torch.bool),
])
_TORCH_TO_ST = {v: k for k, v in ST_DTYPES.items()}


def _tensor_bytes(t: torch.Tensor) -> bytes:
    t = t.detach().contiguous().cpu()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the bits
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    arr = t.numpy()
    return arr.astype(arr.dtype.newbyteorder("<")).tobytes()


def save_safetensors(state: Dict[str, torch.Tensor], path: str, metadata: Dict[str, str] = None) -> None:
    """Writes the safetensors format by hand: u64 LE header length, JSON header
    {name: {dtype, shape, data_offsets: [begin, end)}} (offsets relative to the data area),
    header padded with spaces to a multiple of 8, then the raw little-endian data."""
    header: Dict[str, object] = OrderedDict()
    if metadata:
        header["__metadata__"] = dict(metadata)
    blobs, offset = [], 0
    for name, t in state.items():
        b = _tensor_bytes(t)
        header[name] = {"dtype": _TORCH_TO_ST[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path: str) -> "OrderedDict[str, torch.Tensor]":
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"), object_pairs_hook=OrderedDict)
    base = 8 + n
    out: "OrderedDict[str, torch.Tensor]" = OrderedDict()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dt = ST_DTYPES[info["dtype"]]
        b, e = info["data_offsets"]
        buf = bytearray(data[base + b: base + e])
        if dt == torch.bfloat16:
            t = torch.frombuffer(buf, dtype=torch.int16).view(torch.bfloat16) if len(buf) else torch.zeros(0, dtype=dt)
        else:
            t = torch.frombuffer(buf, dtype=dt) if len(buf) else torch.zeros(0, dtype=dt)
        out[name] = t.reshape(info["shape"]).clone()
    return out


def load_state_dict_file(path: str) -> "OrderedDict[str, torch.Tensor]":
    """final.pt (restricted unpickler: tensors and plain containers only) or model.safetensors."""
    if path.endswith(".safetensors"):
        return load_safetensors(path)
    obj = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(obj, dict) and not all(torch.is_tensor(v) for v in obj.values()):
        for key in ("model", "state_dict"):
            if key in obj and isinstance(obj[key], dict):
                obj = obj[key]
                break
    if not isinstance(obj, dict) or not all(torch.is_tensor(v) for v in obj.values()):
        raise ValueError("%s does not hold a state_dict of tensors" % path)
    return OrderedDict(obj)


def encoder_state(cfg: ModelConfig, sd: Dict[str, torch.Tensor]) -> "OrderedDict[str, torch.Tensor]":
    """Strips the AED layout to the encoder's keys: 'encoder.' prefix removed, 'decoder.*' dropped."""
    if not cfg.is_aed:
        return OrderedDict(sd)
    out = OrderedDict()
    for k, v in sd.items():
        if k.startswith("encoder."):
            out[k[len("encoder."):]] = v
        elif k.startswith("decoder."):
            continue
        else:
            raise KeyError("unexpected key %r in a %s checkpoint" % (k, cfg.nnet_proto))
    return out


def find_checkpoint(model_dir: str) -> str:
    for name in ("final.pt", "model.safetensors"):
        p = os.path.join(model_dir, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError("no final.pt or model.safetensors in %s" % model_dir)


def tensor_summary(t: torch.Tensor) -> Dict[str, object]:
    """name -> {dtype, shape, sum (float64), first (<= 4 values, row-major)} as in tensors.json."""
    flat = t.detach().reshape(-1)
    sum64 = float(flat.to(torch.float64).sum().item()) if flat.numel() else 0.0
    first = [float(v) for v in flat[:4].to(torch.float64).tolist()]
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "sum": sum64, "first": first}

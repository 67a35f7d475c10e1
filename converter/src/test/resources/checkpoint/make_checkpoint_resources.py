"""Makes the tiny checkpoints the checkpoint reader tests need beyond testdata/ (run with Debian's python3-torch).

parameters.pt  state_dict(keep_vars=True): tensors pickled through torch._utils._rebuild_parameter
dtypes.pt      one tensor of every supported dtype, plus a permuted, offset view of a 3-D storage
dtypes.safetensors  the same tensors, contiguous; the JSON header lists them alphabetically while the data
                    follows dtypes.pt's order, as the reader must sort by data offset
expected.json  name -> {"dtype", "shape", "values"} (values flat, row-major) for dtypes.pt / dtypes.safetensors
"""
import collections
import json
import struct
from pathlib import Path

import torch

here = Path(__file__).resolve().parent

linear = torch.nn.Linear(3, 2)
with torch.no_grad():
    linear.weight.copy_(torch.arange(6, dtype=torch.float32).reshape(2, 3) / 8)
    linear.bias.copy_(torch.tensor([-1.0, 0.5]))
torch.save(linear.state_dict(keep_vars=True), here / "parameters.pt")

cube = torch.arange(2 * 3 * 4, dtype=torch.float32).reshape(2, 3, 4)
tensors = collections.OrderedDict(
    f64=torch.tensor([1.5, -2.25, 1e30], dtype=torch.float64),
    f32=torch.tensor([[0.1, -0.2], [3.0, 4e-8]], dtype=torch.float32),
    f16=torch.tensor([0.5, -65504.0, 6e-8], dtype=torch.float16),
    bf16=torch.tensor([1.0, -3.140625, 1e38], dtype=torch.bfloat16),
    i64=torch.tensor([-(2 ** 40), 7], dtype=torch.int64),
    i32=torch.tensor([-(2 ** 31), 2 ** 31 - 1], dtype=torch.int32),
    i16=torch.tensor([-32768, 12345], dtype=torch.int16),
    i8=torch.tensor([-128, 127], dtype=torch.int8),
    u8=torch.tensor([0, 255], dtype=torch.uint8),
    bool=torch.tensor([True, False, True]),
    permuted=cube[:, 1:, ::2].permute(2, 0, 1),
    empty=torch.zeros(0, 3),
)
assert not tensors["permuted"].is_contiguous() and tensors["permuted"].storage_offset() == 4
torch.save(tensors, here / "dtypes.pt")

safetensors_dtype = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
                     torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
                     torch.uint8: "U8", torch.bool: "BOOL"}
header, data = {}, b""
for name, t in tensors.items():
    raw = t.contiguous().view(torch.uint8).numpy().tobytes() if t.numel() else b""
    header[name] = {"dtype": safetensors_dtype[t.dtype], "shape": list(t.shape),
                    "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
header_json = json.dumps(dict(sorted(header.items())), separators=(",", ":")).encode()
header_json += b" " * (-len(header_json) % 8)
(here / "dtypes.safetensors").write_bytes(struct.pack("<Q", len(header_json)) + header_json + data)

expected = {name: {"dtype": str(t.dtype).removeprefix("torch."), "shape": list(t.shape),
                   "values": t.float().flatten().tolist()} for name, t in tensors.items()}
(here / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")

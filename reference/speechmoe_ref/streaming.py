"""Chunk-by-chunk forward with caches: WeNet's ``forward_chunk`` semantics for a causal SpeechMoE.

A chunk of C output frames (after the 4x subsampling) takes the feature rows its subsampling
window covers, (C - 1) * 4 + 7 of them, and the next chunk starts 4C rows later (the windows
overlap by 3 rows). Each block keeps the attention keys and values of the frames before the
chunk (all of them, or the last ``left_chunks`` chunks), and each causal convolution module the
last kernel - 1 frames of its input. The embedding network streams the same way with its own
caches, and its chunk output feeds the routers of the same chunk.

With these caches the concatenated outputs equal ``SpeechMoE.forward(feats, chunk_size=C,
left_chunks=N)``, the full pass with attention masked to the chunk and the chunks before it, up to
float rounding: every quantity a chunk computes is the masked pass's for the same frames
(the position term of 3m-asr's attention depends on the key's absolute position, and the keys are
given theirs). 3m-asr itself has no forward_chunk; this follows WeNet's.
"""
import math
from typing import Dict, List, Optional

import torch

from .model import Conv2dSubsampling, SpeechMoE, rel_positional_encoding

SUBSAMPLING_RATE = 4
SUBSAMPLING_CONTEXT = 7   # feature rows under one output frame of conv2d (two 3x3 stride-2 convs)


def input_rows(frames: int) -> int:
    """Feature rows a chunk of ``frames`` output frames reads."""
    return (frames - 1) * SUBSAMPLING_RATE + SUBSAMPLING_CONTEXT


class _StackStream:
    """One Conformer stack's caches: its blocks' keys, values and convolution inputs."""

    def __init__(self, subsampling, blocks, d: int, keep: int):
        if not isinstance(subsampling, Conv2dSubsampling) or subsampling.kind != "conv2d":
            raise ValueError("chunked decoding is implemented for conv2d (4x) subsampling only")
        self.subsampling, self.blocks, self.d, self.keep = subsampling, blocks, d, keep
        self.caches: List[Optional[tuple]] = [None] * len(blocks)

    def run(self, feats_window: torch.Tensor, start: int, embed: Optional[torch.Tensor],
            out: Dict[str, List[torch.Tensor]], prefix: str, dense_moe: bool):
        sub = self.subsampling(feats_window)
        n = sub.shape[0]
        out.setdefault(prefix + "subsampling", []).append(sub)
        cached = 0 if self.caches[0] is None else self.caches[0][0].shape[1]
        pe = rel_positional_encoding(start + n, self.d).to(sub.dtype)[start - cached:]
        x = sub * math.sqrt(self.d)
        for i, blk in enumerate(self.blocks):
            x, info, (k, v, cnn) = blk.forward_cached(x, pe, embed, dense_moe=dense_moe, cache=self.caches[i])
            if self.keep >= 0:
                k, v = k[:, k.shape[1] - min(self.keep, k.shape[1]):], v[:, v.shape[1] - min(self.keep, v.shape[1]):]
            self.caches[i] = (k, v, cnn)
            out.setdefault(prefix + "block_%d" % i, []).append(x)
            if info is not None:
                probs, idx, gate = info
                out.setdefault("router_probs_%d" % i, []).append(probs)
                out.setdefault("routes_%d" % i, []).append(idx)
                out.setdefault("gates_%d" % i, []).append(gate)
        return x


@torch.no_grad()
def forward_chunked(model: SpeechMoE, feats: torch.Tensor, chunk: int, left_chunks: int = -1,
                    dense_moe: bool = False) -> Dict[str, torch.Tensor]:
    """Runs ``feats`` (T, bins, after CMVN) chunk by chunk; returns the same keys as
    ``SpeechMoE.forward`` (no "hidden"/"logits"), concatenated over the chunks."""
    if chunk <= 0:
        raise ValueError("chunk must be positive")
    for conf in (model.cfg.encoder, model.cfg.embed):
        if conf.use_cnn_module and not conf.causal:
            raise ValueError("a full-context (causal: false) model cannot be decoded chunk by chunk exactly")
    keep = left_chunks * chunk if left_chunks >= 0 else -1
    embed = _StackStream(model.embed.subsampling, model.embed.blocks, model.cfg.embed.attention_dim, keep)
    main = _StackStream(model.subsampling, model.blocks, model.cfg.encoder.attention_dim, keep)
    total = feats.shape[0]
    parts: Dict[str, List[torch.Tensor]] = {}
    start = 0
    while input_rows(start + 1) <= total:
        n = min(chunk, (total - SUBSAMPLING_CONTEXT) // SUBSAMPLING_RATE + 1 - start)
        rows = feats[start * SUBSAMPLING_RATE: start * SUBSAMPLING_RATE + input_rows(n)]
        e = model.embed.after_norm(embed.run(rows, start, None, parts, "embed_", dense_moe))
        parts.setdefault("embed", []).append(e)
        x = main.run(rows, start, e, parts, "", dense_moe)
        parts.setdefault("logp", []).append(torch.log_softmax(model.out_linear(model.after_norm(x)), dim=-1))
        start += n
    if not parts:
        raise ValueError("%d feature frames make no output frame (at least %d needed)" % (total, SUBSAMPLING_CONTEXT))
    out = {k: torch.cat(v, 0) for k, v in parts.items() if not k.startswith(("routes_", "gates_"))}
    blocks = len(model.blocks)
    out["routes"] = torch.stack([torch.cat(parts["routes_%d" % i]) for i in range(blocks)]).to(torch.int32)
    out["gates"] = torch.stack([torch.cat(parts["gates_%d" % i]) for i in range(blocks)])
    return out

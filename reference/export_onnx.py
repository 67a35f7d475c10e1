#!/usr/bin/env python3
"""Exports a 3m-asr SpeechMoE model (the PyTorch reference's graph) to ONNX, in two MoE layouts.

    /usr/bin/python3 reference/export_onnx.py --dir MODELDIR --out DIR [--feats feats.f32]

Each export is a folder, DIR/gathered/model.onnx and DIR/dense/model.onnx: a model over 2 GB (size L) cannot be one
protobuf, and PyTorch then writes every weight as an external data file next to model.onnx.

  gathered       per MoE layer and expert, the frames routed to that expert are gathered (NonZero, Gather),
                 run through it and scattered back (ScatterND): each frame runs only its expert, as in speechmoe
  dense          every expert runs on every frame (one batched MatMul over the experts) and the one-hot top-1
                 route selects: E times the expert FLOPs, but no data-dependent shapes

Input "feats": the CMVN-normalised fbank (T x 80, float32, T dynamic); outputs "logp" (T' x V) and "routes"
(blocks x T', int64). The fbank is not in the graph: the comparison feeds every engine the same features.
With --feats (raw little-endian float32, T x 80) both graphs' PyTorch forward is checked against the reference
before export (ONNX Runtime itself is checked by benchmarks' EndToEndComparison: no onnxruntime for Python here).
"""
import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from speechmoe_ref import load_model  # noqa: E402
from speechmoe_ref.model import rel_positional_encoding  # noqa: E402

OPSET = 17
# Longest input the graphs accept: the positional tables are constants sliced to the input length
# (an in-graph sin/cos table would need strided slice assignment, which exports poorly). 4x subsampling of
# 30000 feature frames (5 minutes): 7499 frames.
MAX_OUT_FRAMES = 7500


class MoeLayer(nn.Module):
    """One SpeechMoE FFN with the reference's routing (softmax, argmax, gate) and an exportable dispatch."""

    def __init__(self, moe, dense):
        super().__init__()
        self.moe, self.dense = moe, dense

    def forward(self, y, e, dense=False):   # the block's dense flag is the reference's check, not this layout
        probs, idx, gate = self.moe.route(y, e)
        ex = self.moe.experts
        if self.dense:
            h = ex.act(torch.matmul(y.unsqueeze(0), ex.w_1.weight.transpose(1, 2)) + ex.w_1.bias.unsqueeze(1))
            o = torch.matmul(h, ex.w_2.weight.transpose(1, 2)) + ex.w_2.bias.unsqueeze(1)   # (E, T, d)
            onehot = (idx.unsqueeze(0) == torch.arange(self.moe.num_experts).unsqueeze(1)).to(y.dtype)
            out = (o * onehot.unsqueeze(2)).sum(0)
        else:
            out = torch.zeros_like(y)
            for k in range(self.moe.num_experts):
                sel = torch.nonzero(idx == k).squeeze(1)         # may be empty: MatMul of 0 rows
                out = out.index_put((sel,), ex.apply_expert(k, y.index_select(0, sel)))
        if not self.moe.keep_expert_output:
            out = out * gate.unsqueeze(1)
        return out, probs, idx, gate


class Exported(nn.Module):
    """SpeechMoE.forward from features to (logp, routes), with constant positional tables sliced to length."""

    def __init__(self, model, dense):
        super().__init__()
        self.m = model
        d, de = model.cfg.encoder.attention_dim, model.cfg.embed.attention_dim
        self.register_buffer("pe", rel_positional_encoding(MAX_OUT_FRAMES, d))
        self.register_buffer("pe_embed", rel_positional_encoding(MAX_OUT_FRAMES, de))
        self.xscale, self.xscale_embed = math.sqrt(d), math.sqrt(de)
        for blk in model.blocks:
            blk.feed_forward = MoeLayer(blk.feed_forward, dense)

    def forward(self, feats):
        m = self.m
        x = m.embed.subsampling(feats)
        pe = self.pe_embed[: x.shape[0]]
        x = x * self.xscale_embed
        for blk in m.embed.blocks:
            x, _ = blk(x, pe)
        e = m.embed.after_norm(x)
        x = m.subsampling(feats)
        pe = self.pe[: x.shape[0]]
        x = x * self.xscale
        routes = []
        for blk in m.blocks:
            x, (_, idx, _) = blk(x, pe, e)
            routes.append(idx)
        logp = torch.log_softmax(m.out_linear(m.after_norm(x)), dim=-1)
        return logp, torch.stack(routes)


def export(model_dir, out_path, dense, example):
    model = Exported(load_model(model_dir).model, dense).eval()
    with torch.no_grad():
        torch.onnx.export(model, (example,), out_path, opset_version=OPSET, input_names=["feats"],
                          output_names=["logp", "routes"],
                          dynamic_axes={"feats": {0: "frames"}, "logp": {0: "out_frames"},
                                        "routes": {1: "out_frames"}})
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True, help="model dir: train.yaml, final.pt, units.txt, global_cmvn")
    ap.add_argument("--out", required=True, help="where the gathered/ and dense/ exports go")
    ap.add_argument("--feats", help="raw float32 T x 80 features to check the exported modules on")
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    os.makedirs(args.out, exist_ok=True)
    feats = None
    if args.feats:
        feats = torch.from_numpy(np.fromfile(args.feats, dtype="<f4").reshape(-1, 80).copy())
        ref = load_model(args.dir).model(feats)
    # a short example: the graph must not depend on the length it was traced with (the check runs 30 s)
    example = feats[:400] if feats is not None else torch.randn(400, 80)
    for name, dense in (("gathered", False), ("dense", True)):
        folder = os.path.join(args.out, name)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "model.onnx")
        model = export(args.dir, path, dense, example)
        files = [os.path.join(folder, f) for f in os.listdir(folder)]
        line = "%s: %.1f MB in %d file(s)" % (path, sum(os.path.getsize(f) for f in files) / 1e6, len(files))
        if feats is not None:
            with torch.no_grad():
                logp, routes = model(feats)
            line += ", PyTorch forward vs reference: max |logp diff| %.2e, routes equal %s" % (
                float((logp - ref["logp"]).abs().max()), bool(torch.equal(routes.to(torch.int32), ref["routes"])))
        print(line)


if __name__ == "__main__":
    main()

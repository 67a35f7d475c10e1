#!/usr/bin/env python3
"""Deterministic fixture maker for speechmoe-java.

    /usr/bin/python3 reference/make_fixtures.py [--out testdata]

Writes fixture WAVs, small random-weight SpeechMoE models in the 3m-asr layout (train.yaml,
final.pt, units.txt, global_cmvn [, model.safetensors]), every intermediate tensor of the
reference forward pass for every (model, WAV), and hostile/legacy checkpoints for the
checkpoint reader. Same bytes on every run (fixed seeds). See reference/README.md.
"""
import argparse
import copy
import hashlib
import io
import json
import math
import os
import shutil
import sys
import types
from collections import OrderedDict

import numpy as np
import torch
import yaml

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from speechmoe_ref.checkpoint import (encoder_state, load_safetensors, load_state_dict_file,  # noqa: E402
                                      save_safetensors, tensor_summary)
from speechmoe_ref.config import AED_PROTO, CTC_PROTO, parse_config  # noqa: E402
from speechmoe_ref.decode import ctc_greedy  # noqa: E402
from speechmoe_ref.features import SAMPLE_RATE, apply_cmvn, fbank, load_global_cmvn, read_wav, write_wav  # noqa: E402
from speechmoe_ref.model import SpeechMoE  # noqa: E402
from speechmoe_ref.streaming import forward_chunked  # noqa: E402

torch.set_num_threads(1)          # fixed reduction order -> same bytes every run
torch.use_deterministic_algorithms(True)

ROUTE_GAP_REQUIRED = 1e-4  # the contract: top-1 minus top-2 router probability, every frame, every MoE block
ROUTE_GAP_MIN = 5e-4       # what seeds are resampled for (a margin over the contract)
LOGIT_GAP_MIN = 1e-3   # top-1 minus top-2 log-probability, every output frame (greedy stability)

# ------------------------------------------------------------------------------------------------
# Fixture models. Together they cover: conv norm layer_norm/batch_norm, swish/relu, router bias
# on/off, E = 2..16, keep_expert_output false/true, macaron on/off, CTC-only and AED layouts.
# ------------------------------------------------------------------------------------------------
MODELS = [
    dict(name="ctc_ln_swish_e2", proto=CTC_PROTO, seed=1000, vocab=40,
         enc=dict(attention_dim=32, attention_heads=4, num_blocks=2, cnn_module_kernel=15,
                  cnn_module_norm="layer_norm", activation_type="swish", macaron_style=True),
         moe=dict(num_experts=2, hidden_units=64, router_with_bias=False, keep_expert_output=False),
         embed=dict(attention_dim=24, attention_heads=4, num_blocks=1, linear_units=48, cnn_module_kernel=15,
                    cnn_module_norm="layer_norm", activation_type="swish")),
    dict(name="ctc_bn_relu_e4_bias", proto=CTC_PROTO, seed=2000, vocab=48, safetensors=True,
         enc=dict(attention_dim=24, attention_heads=4, num_blocks=3, cnn_module_kernel=7,
                  cnn_module_norm="batch_norm", activation_type="relu", macaron_style=True),
         moe=dict(num_experts=4, hidden_units=48, router_with_bias=True, keep_expert_output=False),
         embed=dict(attention_dim=16, attention_heads=4, num_blocks=2, linear_units=32, cnn_module_kernel=7,
                    cnn_module_norm="batch_norm", activation_type="relu")),
    dict(name="aed_ln_swish_e8_keep", proto=AED_PROTO, seed=3000, vocab=52,
         enc=dict(attention_dim=32, attention_heads=4, num_blocks=2, cnn_module_kernel=15,
                  cnn_module_norm="layer_norm", activation_type="swish", macaron_style=True),
         moe=dict(num_experts=8, hidden_units=48, router_with_bias=True, keep_expert_output=True),
         embed=dict(attention_dim=24, attention_heads=4, num_blocks=1, linear_units=48, cnn_module_kernel=15,
                    cnn_module_norm="layer_norm", activation_type="swish")),
    # trained on 2 GPUs: train.yaml says num_experts: 8 (per GPU), the checkpoint holds 16 (see NOTES.md)
    dict(name="aed_bn_swish_e16", proto=AED_PROTO, seed=4000, vocab=44, safetensors=True, train_world_size=2,
         enc=dict(attention_dim=24, attention_heads=4, num_blocks=2, cnn_module_kernel=15,
                  cnn_module_norm="batch_norm", activation_type="swish", macaron_style=True),
         moe=dict(num_experts=16, hidden_units=32, router_with_bias=False, keep_expert_output=False),
         embed=dict(attention_dim=16, attention_heads=4, num_blocks=1, linear_units=32, cnn_module_kernel=15,
                    cnn_module_norm="batch_norm", activation_type="swish")),
    dict(name="ctc_ln_relu_e6_d36", proto=CTC_PROTO, seed=5000, vocab=60,
         enc=dict(attention_dim=36, attention_heads=4, num_blocks=2, cnn_module_kernel=15,
                  cnn_module_norm="layer_norm", activation_type="relu", macaron_style=True),
         moe=dict(num_experts=6, hidden_units=48, router_with_bias=False, keep_expert_output=False),
         embed=dict(attention_dim=20, attention_heads=4, num_blocks=1, linear_units=40, cnn_module_kernel=15,
                    cnn_module_norm="layer_norm", activation_type="swish")),
    dict(name="ctc_bn_swish_e3_nomacaron", proto=CTC_PROTO, seed=6000, vocab=40,
         enc=dict(attention_dim=32, attention_heads=4, num_blocks=2, cnn_module_kernel=15,
                  cnn_module_norm="batch_norm", activation_type="swish", macaron_style=False),
         moe=dict(num_experts=3, hidden_units=64, router_with_bias=True, keep_expert_output=False),
         embed=dict(attention_dim=16, attention_heads=4, num_blocks=1, linear_units=32, cnn_module_kernel=15,
                    cnn_module_norm="layer_norm", activation_type="swish")),
    # causal and trained for dynamic chunks (WeNet U2 style): streams exactly; chunk fixtures below
    dict(name="ctc_causal_ln_swish_e4", proto=CTC_PROTO, seed=7000, vocab=44,
         chunks=[(4, -1, True), (16, -1, True), (1, -1, False), (2, -1, False), (3, -1, False), (5, -1, False),
                 (7, -1, False), (9, -1, False), (4, 1, False), (2, 3, False), (1, 0, False)],
         enc=dict(attention_dim=32, attention_heads=4, num_blocks=2, cnn_module_kernel=7,
                  cnn_module_norm="layer_norm", activation_type="swish", macaron_style=True, causal=True,
                  use_dynamic_chunk=True, use_dynamic_left_chunk=True),
         moe=dict(num_experts=4, hidden_units=48, router_with_bias=True, keep_expert_output=False),
         embed=dict(attention_dim=16, attention_heads=4, num_blocks=2, linear_units=32, cnn_module_kernel=7,
                    cnn_module_norm="batch_norm", activation_type="swish", causal=True, use_dynamic_chunk=True)),
]
# chunks: (chunk size in output frames, left chunks (-1 all), every intermediate?) written to
# <model>/<wav>/chunk_<C>[_left_<N>]/ from the chunk-masked full pass (SpeechMoE.forward(chunk_size=C))

DECODER_CONF = dict(attention_heads=4, linear_units=16, num_blocks=1, dropout_rate=0.1,
                    positional_dropout_rate=0.1, self_attention_dropout_rate=0.0,
                    src_attention_dropout_rate=0.0)

PIECES = ["\u2581the", "\u2581a", "s", "\u2581speech", "ing", "\u2581of", "er", "\u2581to", "ed", "\u2581and",
          "\u2581mo", "e", "\u2581ex", "pert", "\u2581rout", "\u2581in", "t", "\u2581is", "ly", "\u2581con",
          "form", "\u2581re", "c", "o", "g", "n", "i", "z", "\u2581it", "\u2581on", "'", "\u2581b", "\u2581s",
          "\u8bed", "\u97f3", "\u8bc6", "\u522b", "\u4f60", "\u597d", "\u6a21", "\u578b", "\u2581we",
          "\u2581you", "d", "y", "\u2581that", "al", "r", "\u2581for", "\u2581be", "m", "\u2581with", "p",
          "\u2581he", "\u2581as", "u", "l", "h", "k"]


# ------------------------------------------------------------------------------------------------
# WAVs (synthetic: there is no TTS on the build machine)
# ------------------------------------------------------------------------------------------------
def _vowel(rng, dur, f0, formants, sr=SAMPLE_RATE, vibrato=0.0):
    t = np.arange(int(dur * sr)) / sr
    f = f0 * (1.0 + vibrato * np.sin(2 * np.pi * 5.0 * t)) * (1.0 + 0.01 * rng.standard_normal(len(t)).cumsum() / np.sqrt(len(t)))
    phase = 2 * np.pi * np.cumsum(f) / sr
    y = np.zeros_like(t)
    for h in range(1, int(4000 / f0)):
        fh = h * f0
        amp = sum(a * np.exp(-0.5 * ((fh - fc) / bw) ** 2) for fc, bw, a in formants) + 0.02 / h
        y += amp * np.sin(h * phase)
    env = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.03)
    return y / (np.abs(y).max() + 1e-9) * env


def _noise(rng, dur, sr=SAMPLE_RATE, hp=True):
    n = rng.standard_normal(int(dur * sr))
    if hp:
        n = np.diff(n, prepend=0.0)  # high-pass: fricative-like
    env = np.minimum(1.0, np.minimum(np.arange(len(n)), len(n) - 1 - np.arange(len(n))) / (0.01 * sr))
    return n / np.abs(n).max() * env


def _chirp(dur, f_start, f_end, sr=SAMPLE_RATE):
    t = np.arange(int(dur * sr)) / sr
    k = (f_end / f_start) ** (1.0 / dur)
    phase = 2 * np.pi * f_start * (k ** t - 1) / np.log(k)
    return np.sin(phase)


def _silence(dur, sr=SAMPLE_RATE):
    return np.zeros(int(dur * sr))


def make_wavs(rng):
    A = [(700, 130, 1.0), (1200, 150, 0.6), (2600, 200, 0.25)]
    I = [(300, 80, 1.0), (2300, 200, 0.5), (3000, 250, 0.3)]
    U = [(320, 80, 1.0), (800, 120, 0.5), (2200, 200, 0.1)]
    O = [(500, 100, 1.0), (900, 120, 0.6), (2500, 200, 0.15)]
    wavs = OrderedDict()
    # 1.0 s: rising chirp, 0.2 s of exact digital silence (log floor frames), falling chirp + hum
    w = np.concatenate([0.35 * _chirp(0.45, 150, 5000), _silence(0.2),
                        0.25 * _chirp(0.35, 3000, 200) + 0.02 * rng.standard_normal(int(0.35 * SAMPLE_RATE))])
    wavs["chirp"] = w
    # 1.2 s: vowel-like harmonic tones (a, i, u) with noise floor and short gaps
    w = np.concatenate([_silence(0.06), 0.5 * _vowel(rng, 0.3, 120, A), 0.01 * _noise(rng, 0.08, hp=False),
                        0.45 * _vowel(rng, 0.28, 180, I, vibrato=0.02), _silence(0.06),
                        0.5 * _vowel(rng, 0.34, 150, U), _silence(0.08)])
    w = w + 0.003 * rng.standard_normal(len(w))
    wavs["vowels"] = w
    # 1.5 s: "speech-like" syllables: fricative noise + vowel, plosive click, loud vowel near clipping
    click = np.zeros(int(0.05 * SAMPLE_RATE)); click[5:40] = np.hanning(35) * 0.8
    w = np.concatenate([0.2 * _noise(rng, 0.12), 0.5 * _vowel(rng, 0.25, 110, O), _silence(0.04), click,
                        0.6 * _vowel(rng, 0.22, 200, A, vibrato=0.03), 0.15 * _noise(rng, 0.15),
                        0.95 * _vowel(rng, 0.3, 130, I), 0.03 * _noise(rng, 0.12, hp=False),
                        0.4 * _vowel(rng, 0.17, 160, U), _silence(0.08)])
    w = w + 0.002 * rng.standard_normal(len(w))
    wavs["mixed"] = w
    return OrderedDict((k, np.clip(np.round(v * 32767.0), -32768, 32767).astype(np.int16)) for k, v in wavs.items())


# ------------------------------------------------------------------------------------------------
# Config / units / cmvn files
# ------------------------------------------------------------------------------------------------
ENC_DEFAULTS = OrderedDict([
    ("blank_idx", 0), ("attention_heads", 4), ("attention_dim", 256), ("linear_units", 2048),
    ("num_blocks", 6), ("dropout_rate", 0.1), ("positional_dropout_rate", 0.1), ("attention_dropout_rate", 0.0),
    ("input_layer", "conv2d"), ("pos_enc_layer_type", "rel_pos"), ("normalize_before", True),
    ("use_dynamic_chunk", False), ("selfattention_layer_type", "rel_selfattn"), ("activation_type", "swish"),
    ("macaron_style", True), ("use_cnn_module", True), ("cnn_module_kernel", 15), ("causal", False),
    ("cnn_module_norm", "layer_norm"), ("conv_subsample_in_ch", 1),
])


def _enc_conf(over):
    c = OrderedDict(ENC_DEFAULTS)
    c.update(over)
    return c


def train_yaml_dict(spec):
    enc = _enc_conf(spec["enc"])
    enc["linear_units"] = spec["moe"]["hidden_units"] * 2   # unused by the MoE encoder (like 3m-asr)
    enc["embed_scale"] = 0.01
    enc["embed_conf"] = _enc_conf(spec["embed"])
    enc["aux_scale"] = [0.15, 0.15]
    per_gpu = spec["moe"]["num_experts"] // spec.get("train_world_size", 1)
    moe = OrderedDict([("num_experts", per_gpu), ("hidden_units", spec["moe"]["hidden_units"]),
                       ("dropout_rate", 0.2), ("capacity_factor", -1.0),
                       ("router_regularization", "l1_plus_importance"),
                       ("router_with_bias", spec["moe"]["router_with_bias"]),
                       ("keep_expert_output", spec["moe"]["keep_expert_output"]), ("rand_init_router", True)])
    enc["moe_conf"] = moe
    if spec["proto"] == AED_PROTO:
        model_conf = OrderedDict([("encoder_conf", enc), ("decoder_type", "transformer"),
                                  ("decoder_conf", OrderedDict(DECODER_CONF)), ("reverse_weight", 0.0),
                                  ("ctc_weight", 0.3), ("lsm_weight", 0.1), ("length_normalize_loss", False)])
    else:
        model_conf = enc
    return OrderedDict([
        ("job_type", "moe"), ("nnet_proto", spec["proto"]), ("model_conf", model_conf),
        ("dataset_proto", "dataset"),
        ("dataset_conf", OrderedDict([
            ("filter_conf", OrderedDict([("max_length", 1200), ("min_length", 10),
                                         ("token_max_length", 100), ("token_min_length", 1)])),
            ("resample_conf", OrderedDict([("resample_rate", 16000)])),
            ("speed_perturb", False),
            ("fbank_conf", OrderedDict([("num_mel_bins", 80), ("frame_shift", 10), ("frame_length", 25),
                                        ("dither", 1.0)])),
            ("spec_aug", True), ("shuffle", True), ("sort", True),
            ("batch_conf", OrderedDict([("batch_type", "static"), ("batch_size", 16)])),
        ])),
        ("train_conf", OrderedDict([("optim", "adam"), ("lr", 0.001), ("max_epochs", 26)])),
    ])


def _yaml_dump(d):
    def plain(o):
        if isinstance(o, dict):
            return {k: plain(v) for k, v in o.items()}
        if isinstance(o, list):
            return [plain(v) for v in o]
        return o
    return yaml.safe_dump(plain(d), sort_keys=False, default_flow_style=False, allow_unicode=True, width=100)


def units_list(vocab):
    assert vocab - 3 <= len(PIECES)
    return ["<blank>", "<unk>"] + PIECES[:vocab - 3] + ["<sos/eos>"]


def cmvn_json(fbanks):
    allf = torch.cat(list(fbanks), 0).to(torch.float64)
    return OrderedDict([("mean_stat", [float(v) for v in allf.sum(0)]),
                        ("var_stat", [float(v) for v in (allf * allf).sum(0)]),
                        ("frame_num", int(allf.shape[0]))])


# ------------------------------------------------------------------------------------------------
# Random weights
# ------------------------------------------------------------------------------------------------
def init_weights(model, gen, vocab):
    def randn(*shape):
        return torch.randn(*shape, generator=gen)

    for name, t in model.state_dict(keep_vars=True).items():
        leaf = name.rsplit(".", 1)[-1]
        shape = tuple(t.shape)
        with torch.no_grad():
            if leaf == "num_batches_tracked":
                t.fill_(int(torch.randint(1000, 100000, (1,), generator=gen)))
            elif leaf == "running_mean":
                t.copy_(0.3 * randn(*shape))
            elif leaf == "running_var":
                t.copy_(0.4 + 1.2 * torch.rand(*shape, generator=gen))
            elif leaf in ("pos_bias_u", "pos_bias_v"):
                t.copy_(0.3 * randn(*shape))
            elif leaf == "router_weights":
                t.copy_(2.5 / math.sqrt(shape[0]) * randn(*shape))
            elif leaf == "router_bias":
                t.copy_(0.5 * randn(*shape))
            elif ".norm" in name or "after_norm" in name or name.split(".")[-2].startswith("norm"):
                # LayerNorm / BatchNorm affine parameters
                if leaf == "weight":
                    t.copy_(1.0 + 0.15 * randn(*shape))
                else:
                    t.copy_(0.1 * randn(*shape))
            elif leaf == "weight":
                if "experts" in name:            # (E, out, in)
                    fan_in = shape[2]
                else:                            # Linear (out, in) / Conv (out, in/groups, k...)
                    fan_in = int(np.prod(shape[1:]))
                gain = 1.0
                if name.endswith("out_linear.weight"):
                    gain = 2.5                   # peaky CTC posteriors
                t.copy_(gain / math.sqrt(fan_in) * randn(*shape))
            elif leaf == "bias":
                t.copy_(0.1 * randn(*shape))
                if name == "out_linear.bias":
                    t[0] += 1.5                  # blank-heavy output, so greedy merges/drops something
            else:
                raise RuntimeError("no init rule for " + name)


@torch.no_grad()
def balance_routers(model, feats_by_wav, target_std=2.0):
    """Random router weights mostly see the frame-independent part of [e ; y] and send nearly every
    frame to one expert. Block by block (routes of block i change the input of block i+1): remove the
    mean router input direction from the weights, then scale them so the logits vary across frames
    with std ``target_std``. A fixture-only device to make the routers spread frames."""
    for blk in model.blocks:
        moe = blk.feed_forward
        captured = []
        hook = moe.register_forward_pre_hook(lambda mod, args: captured.append(torch.cat([args[1], args[0]], -1)))
        for feats in feats_by_wav.values():
            model(feats)
        hook.remove()
        z = torch.cat(captured, 0)                        # (frames, d_e + d)
        m = z.mean(0)
        m = m / m.norm()
        w = moe.router_weights
        w -= torch.outer(m, m @ w)
        logits = z @ w
        w *= target_std / logits.std()


def decoder_state(gen, d, vocab, conf):
    """Random decoder.* tensors with 3m-asr's TransformerDecoder names and order."""
    sd = OrderedDict()

    def lin(prefix, din, dout):
        sd[prefix + ".weight"] = torch.randn(dout, din, generator=gen) / math.sqrt(din)
        sd[prefix + ".bias"] = 0.1 * torch.randn(dout, generator=gen)

    def ln(prefix):
        sd[prefix + ".weight"] = 1.0 + 0.1 * torch.randn(d, generator=gen)
        sd[prefix + ".bias"] = 0.1 * torch.randn(d, generator=gen)

    sd["decoder.embed.0.weight"] = torch.randn(vocab, d, generator=gen)
    ln("decoder.after_norm")
    lin("decoder.output_layer", d, vocab)
    for i in range(conf["num_blocks"]):
        p = "decoder.decoders.%d." % i
        for att in ("self_attn", "src_attn"):
            for n in ("linear_q", "linear_k", "linear_v", "linear_out"):
                lin(p + att + "." + n, d, d)
        lin(p + "feed_forward.w_1", d, conf["linear_units"])
        lin(p + "feed_forward.w_2", conf["linear_units"], d)
        for n in ("norm1", "norm2", "norm3"):
            ln(p + n)
        lin(p + "concat_linear1", 2 * d, d)
        lin(p + "concat_linear2", 2 * d, d)
    return sd


# ------------------------------------------------------------------------------------------------
# Checks
# ------------------------------------------------------------------------------------------------
def chunk_dir(chunk, left):
    return "chunk_%d" % chunk + ("_left_%d" % left if left >= 0 else "")


def check_outputs(spec, model, feats_by_wav):
    """Returns (ok, stats). ok: routes stable, greedy stable, routers spread, float64 agrees; for
    every chunk setting of the spec too, whose chunk-by-chunk run must also equal the masked pass."""
    ok, stats = check_variant(spec, model, feats_by_wav, {})
    for chunk, left, _ in spec.get("chunks", []):
        kw = dict(chunk_size=chunk, left_chunks=left)
        ok_c, st = check_variant(spec, model, feats_by_wav, kw)
        ok = ok and ok_c
        stats["min_route_gap"] = min(stats["min_route_gap"], st["min_route_gap"])
        stats["min_logit_gap"] = min(stats["min_logit_gap"], st["min_logit_gap"])
        stats["max_abs_logp_vs_f64"] = max(stats["max_abs_logp_vs_f64"], st["max_abs_logp_vs_f64"])
        for feats in feats_by_wav.values():
            masked, chunked = model(feats, **kw), forward_chunked(model, feats, chunk, left)
            assert torch.equal(masked["routes"], chunked["routes"])
            err = float((masked["logp"] - chunked["logp"]).abs().max())
            assert err < 5e-5, (spec["name"], chunk, left, err)
            stats["max_abs_chunked_vs_masked"] = max(stats.get("max_abs_chunked_vs_masked", 0.0), err)
    return ok, stats


def check_variant(spec, model, feats_by_wav, kw):
    E = spec["moe"]["num_experts"]
    stats = dict(min_route_gap=1.0, min_logit_gap=1e9, max_abs_logp_vs_f64=0.0, experts_used=[])
    used = None
    m64 = copy.deepcopy(model).double()
    for wav, feats in feats_by_wav.items():
        out = model(feats, **kw)
        for i in range(spec["enc"]["num_blocks"]):
            p = out["router_probs_%d" % i]
            top2 = torch.topk(p, 2, dim=-1).values
            stats["min_route_gap"] = min(stats["min_route_gap"], float((top2[:, 0] - top2[:, 1]).min()))
        top2 = torch.topk(out["logp"], 2, dim=-1).values
        stats["min_logit_gap"] = min(stats["min_logit_gap"], float((top2[:, 0] - top2[:, 1]).min()))
        routes = out["routes"]
        counts = torch.stack([torch.bincount(r.long(), minlength=E) for r in routes])
        used = counts if used is None else used + counts
        # dense definition == sparse dispatch
        dense = model(feats, dense_moe=True, **kw)
        assert torch.equal(dense["routes"], routes)
        assert torch.allclose(dense["logp"], out["logp"], atol=1e-5, rtol=0)
        # float64 run: same routes, logp within 1e-3 (fixture not fragile to precision)
        o64 = m64(feats.double(), **kw)
        if not torch.equal(o64["routes"], routes):
            return False, stats
        stats["max_abs_logp_vs_f64"] = max(stats["max_abs_logp_vs_f64"],
                                           float((o64["logp"] - out["logp"].double()).abs().max()))
    stats["experts_used"] = [int((u > 0).sum()) for u in used]
    stats["max_expert_share"] = float((used.max(1).values.float() / used.sum(1).float()).max())
    need = E if E <= 4 else (E + 1) // 2 + 1
    ok = (stats["min_route_gap"] > ROUTE_GAP_MIN and stats["min_logit_gap"] > LOGIT_GAP_MIN
          and all(n >= need for n in stats["experts_used"]) and stats["max_expert_share"] <= 0.7
          and stats["max_abs_logp_vs_f64"] < 1e-3)
    return ok, stats


# ------------------------------------------------------------------------------------------------
# Writers
# ------------------------------------------------------------------------------------------------
def save_npy(path, arr):
    np.save(path, np.ascontiguousarray(arr))


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
        f.write("\n")


def write_tensor_json(path, table):
    """One tensor per line: small and still diff-able."""
    lines = ["  %s: %s" % (json.dumps(k, ensure_ascii=False), json.dumps(v, separators=(", ", ": ")))
             for k, v in table.items()]
    with open(path, "w", encoding="utf-8") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


def summaries(sd):
    return OrderedDict((k, tensor_summary(v)) for k, v in sd.items())


def make_model(spec, out_dir, wavs, fbanks, cmvn):
    cfg_dict = train_yaml_dict(spec)
    cfg = parse_config(json.loads(json.dumps(cfg_dict)))
    cfg.moe.num_experts = spec["moe"]["num_experts"]   # all experts (num_experts x training world size)
    units = units_list(spec["vocab"])
    mdir = os.path.join(out_dir, "fixtures", spec["name"])
    os.makedirs(mdir)
    with open(os.path.join(mdir, "train.yaml"), "w", encoding="utf-8") as f:
        f.write("# speechmoe-java fixture: random weights, written by reference/make_fixtures.py\n")
        f.write(_yaml_dump(cfg_dict))
    with open(os.path.join(mdir, "units.txt"), "w", encoding="utf-8") as f:
        for i, u in enumerate(units):
            f.write("%s %d\n" % (u, i))
    write_json(os.path.join(mdir, "global_cmvn"), cmvn)
    mean, istd = load_global_cmvn(os.path.join(mdir, "global_cmvn"))
    feats_by_wav = OrderedDict((k, apply_cmvn(fb, mean, istd)) for k, fb in fbanks.items())

    for attempt in range(200):
        seed = spec["seed"] + attempt
        gen = torch.Generator().manual_seed(seed)
        model = SpeechMoE(cfg, len(units))
        init_weights(model, gen, len(units))
        model.eval()
        balance_routers(model, feats_by_wav)
        ok, stats = check_outputs(spec, model, feats_by_wav)
        if ok:
            break
    else:
        raise RuntimeError("no seed satisfied the fixture constraints for " + spec["name"])
    stats["seed"] = seed

    sd = model.state_dict()
    if cfg.is_aed:
        full = OrderedDict(("encoder." + k, v) for k, v in sd.items())
        full.update(decoder_state(gen, cfg.encoder.attention_dim, len(units), DECODER_CONF))
    else:
        full = OrderedDict(sd)
    full = OrderedDict((k, v.detach().clone()) for k, v in full.items())
    torch.save(full, os.path.join(mdir, "final.pt"))
    if spec.get("safetensors"):
        save_safetensors(full, os.path.join(mdir, "model.safetensors"), metadata={"format": "pt"})
    write_tensor_json(os.path.join(mdir, "tensors.json"), summaries(full))

    # reload from disk exactly as a user would, and produce the fixtures from the loaded model
    from speechmoe_ref import load_model
    lm = load_model(mdir)
    checks = [lm]
    if spec.get("safetensors"):
        st = load_safetensors(os.path.join(mdir, "model.safetensors"))
        assert list(st) == list(full) and all(torch.equal(st[k], full[k]) for k in full)
    per_wav = OrderedDict()
    for stem, samples in wavs.items():
        res = lm.run(samples.astype(np.float32) / 32768.0, SAMPLE_RATE)
        assert torch.equal(res["fbank"], fbanks[stem])
        wdir = os.path.join(mdir, stem)
        os.makedirs(wdir)
        save_npy(os.path.join(wdir, "fbank.npy"), res["fbank"].numpy())
        save_npy(os.path.join(wdir, "feats.npy"), res["feats"].numpy())
        save_outputs(wdir, res, cfg, spec["name"], stem, True)
        save_npy(os.path.join(wdir, "greedy_ids.npy"), res["greedy_ids"].numpy().astype(np.int32))
        for chunk, left, everything in spec.get("chunks", []):
            cdir = os.path.join(wdir, chunk_dir(chunk, left))
            os.makedirs(cdir)
            save_outputs(cdir, lm.model(res["feats"], chunk_size=chunk, left_chunks=left), cfg, spec["name"],
                         stem, everything)
        per_wav[stem] = dict(frames=int(res["fbank"].shape[0]), out_frames=int(res["logp"].shape[0]),
                             greedy_ids=res["greedy_ids"].tolist())
    info = OrderedDict([
        ("name", spec["name"]), ("nnet_proto", spec["proto"]), ("key_prefix", cfg.key_prefix),
        ("vocab", len(units)), ("encoder", spec["enc"]), ("moe", spec["moe"]), ("embed", spec["embed"]),
        ("train_world_size", spec.get("train_world_size", 1)),
        ("safetensors", bool(spec.get("safetensors"))), ("seed", stats["seed"]),
        ("min_route_gap", stats["min_route_gap"]), ("min_logp_gap", stats["min_logit_gap"]),
        ("max_abs_logp_vs_float64", stats["max_abs_logp_vs_f64"]),
        ("experts_used_per_block", stats["experts_used"]), ("max_expert_share", stats["max_expert_share"]),
        ("wavs", per_wav),
    ])
    if spec.get("chunks"):
        info["chunks"] = [OrderedDict([("dir", chunk_dir(c, n)), ("chunk_size", c), ("left_chunks", n),
                                       ("intermediates", every)]) for c, n, every in spec["chunks"]]
        info["max_abs_chunked_vs_masked"] = stats["max_abs_chunked_vs_masked"]
    return info


def save_outputs(wdir, res, cfg, name, stem, everything):
    """The encoder's results; ``everything`` adds every intermediate (else logp, routes, gates only)."""
    if everything:
        save_npy(os.path.join(wdir, "embed_subsampling.npy"), res["embed_subsampling"].numpy())
        for i in range(cfg.embed.num_blocks):
            save_npy(os.path.join(wdir, "embed_block_%d.npy" % i), res["embed_block_%d" % i].numpy())
        save_npy(os.path.join(wdir, "embed.npy"), res["embed"].numpy())
        save_npy(os.path.join(wdir, "subsampling.npy"), res["subsampling"].numpy())
        for i in range(cfg.encoder.num_blocks):
            save_npy(os.path.join(wdir, "block_%d.npy" % i), res["block_%d" % i].numpy())
            save_npy(os.path.join(wdir, "router_probs_%d.npy" % i), res["router_probs_%d" % i].numpy())
    for i in range(cfg.encoder.num_blocks):
        top2 = torch.topk(res["router_probs_%d" % i], 2, dim=-1).values
        assert float((top2[:, 0] - top2[:, 1]).min()) > ROUTE_GAP_REQUIRED, (name, stem, i)
    save_npy(os.path.join(wdir, "routes.npy"), res["routes"].numpy().astype(np.int32))
    save_npy(os.path.join(wdir, "gates.npy"), res["gates"].numpy().astype(np.float32))
    save_npy(os.path.join(wdir, "logp.npy"), res["logp"].numpy())


# ------------------------------------------------------------------------------------------------
# Hostile / legacy checkpoints
# ------------------------------------------------------------------------------------------------
class _Evil:
    def __reduce__(self):
        import os as _os
        return (_os.system, ("echo pwned",))


def _save_legacy_deterministic(obj, path):
    """torch.save(..., _use_new_zipfile_serialization=False) names storages by their memory address
    (str(storage._cdata)) and writes their data sorted by that name. Rename the storages to "1", "2", ...
    (order of first use) and write the data in that order, so the bytes are reproducible.
    Layout: pickle(magic) pickle(protocol) pickle(sys_info) pickle(obj, persistent ids)
    pickle([storage keys]) then per key: int64 numel + raw little-endian data."""
    import pickle
    import re
    elsize = {"FloatStorage": 4, "DoubleStorage": 8, "HalfStorage": 2, "BFloat16Storage": 2,
              "LongStorage": 8, "IntStorage": 4, "ShortStorage": 2, "CharStorage": 1, "ByteStorage": 1,
              "BoolStorage": 1}
    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=False)
    data = buf.getvalue()
    f = io.BytesIO(data)
    for _ in range(3):
        pickle.load(f)
    head_end = f.tell()
    found = OrderedDict()   # key -> element size, in order of first use

    class _Stub:
        def __init__(self, name):
            self.name = name

        def __call__(self, *a, **k):
            return None

    class _Scan(pickle.Unpickler):
        def find_class(self, module, name):
            if (module, name) == ("collections", "OrderedDict"):
                return OrderedDict
            return _Stub(name)

        def persistent_load(self, pid):
            found.setdefault(pid[2], elsize[pid[1].name])
            return None
    _Scan(f).load()
    obj_end = f.tell()
    file_keys = pickle.load(f)
    blocks = {}
    for k in file_keys:
        n = int.from_bytes(f.read(8), "little", signed=True)
        blocks[k] = n.to_bytes(8, "little", signed=True) + f.read(n * found[k])
    assert f.read() == b""
    rename = OrderedDict((k, str(i + 1)) for i, k in enumerate(found))
    body = data[head_end:obj_end]

    def sub(m):
        k = m.group(2).decode()
        if int.from_bytes(m.group(1), "little") == len(m.group(2)) and k in rename:
            new = rename[k].encode()   # protocol 2 has no frames: a BINUNICODE may change length
            return b"X" + len(new).to_bytes(4, "little") + new
        return m.group(0)
    body = re.sub(rb"X(....)(\d{1,24})", sub, body, flags=re.S)
    out = data[:head_end] + body + pickle.dumps(list(rename.values()), protocol=2)
    out += b"".join(blocks[k] for k in rename)
    with open(path, "wb") as fo:
        fo.write(out)
    back = torch.load(path, weights_only=True)
    assert list(back) == list(obj) and all(torch.equal(back[k], obj[k]) for k in obj)


def make_checkpoints(out_dir):
    cdir = os.path.join(out_dir, "checkpoints")
    os.makedirs(cdir)
    g = torch.Generator().manual_seed(77)
    expected = OrderedDict()

    legacy = OrderedDict([("linear.weight", torch.randn(3, 4, generator=g)), ("linear.bias", torch.randn(3, generator=g)),
                          ("norm.num_batches_tracked", torch.tensor(7, dtype=torch.int64)),
                          ("ids", torch.arange(5, dtype=torch.int64))])
    _save_legacy_deterministic(legacy, os.path.join(cdir, "legacy.pt"))
    expected["legacy.pt"] = OrderedDict([("kind", "state_dict"), ("format", "legacy-pickle"),
                                         ("tensors", summaries(legacy))])

    torch.save(OrderedDict([("w", torch.ones(2)), ("payload", _Evil())]), os.path.join(cdir, "evil_reduce.pt"))
    expected["evil_reduce.pt"] = OrderedDict([("kind", "reject"),
                                              ("reason", "pickle calls posix.system('echo pwned') via REDUCE")])

    mod = types.ModuleType("fixture_unknown_module")

    class UnknownPayload:
        def __init__(self):
            self.value = 42
    UnknownPayload.__module__ = "fixture_unknown_module"
    UnknownPayload.__qualname__ = "UnknownPayload"
    mod.UnknownPayload = UnknownPayload
    sys.modules["fixture_unknown_module"] = mod
    torch.save(OrderedDict([("w", torch.ones(2)), ("extra", UnknownPayload())]), os.path.join(cdir, "evil_global.pt"))
    del sys.modules["fixture_unknown_module"]
    expected["evil_global.pt"] = OrderedDict([("kind", "reject"),
                                              ("reason", "pickle references global fixture_unknown_module.UnknownPayload")])

    inner = OrderedDict([("encoder.w", torch.randn(2, 3, generator=g)), ("encoder.b", torch.randn(3, generator=g))])
    torch.save({"model": inner, "epoch": 3}, os.path.join(cdir, "nested.pt"))
    expected["nested.pt"] = OrderedDict([("kind", "nested"), ("epoch", 3), ("state_dict_key", "model"),
                                         ("tensors", summaries(inner))])

    big = torch.randn(4, 6, generator=g)                      # shares storage with "t" and "slice"
    other = torch.randn(20, generator=g)                      # only a view of it is saved
    h = (torch.randn(3, 5, generator=g)).to(torch.float16)
    half = OrderedDict([
        ("f16", torch.randn(2, 3, generator=g).to(torch.float16)),
        ("bf16", torch.randn(3, 2, generator=g).to(torch.bfloat16)),
        ("big", big),
        ("t", big.t()),                                       # stride (1, 6), offset 0
        ("slice", big[1:3, 2:5]),                             # stride (6, 1), offset 8
        ("tail", other[3:11].view(2, 4)),                     # offset 3 into a 20-element storage
        ("f16_t", h.t()),                                     # float16, transposed
        ("scalar", torch.tensor(2.5, dtype=torch.float32)),  # 0-dim
    ])
    torch.save(half, os.path.join(cdir, "half.pt"))
    views = OrderedDict()
    for k, v in half.items():
        views[k] = OrderedDict([("stride", list(v.stride())), ("storage_offset", int(v.storage_offset())),
                                ("storage_numel", int(v.storage().size()))])
    tens = summaries(half)
    for k in tens:
        tens[k].update(views[k])
    expected["half.pt"] = OrderedDict([("kind", "state_dict"), ("format", "zip"), ("tensors", tens),
                                       ("shared_storage", [["big", "t", "slice"]])])
    write_json(os.path.join(cdir, "expected.json"), expected)

    # sanity: the safe loader reads the good ones and refuses the evil ones (evil files are never unpickled
    # with the full unpickler here)
    for name in ("legacy.pt", "half.pt"):
        got = torch.load(os.path.join(cdir, name), weights_only=True)
        for k, v in got.items():
            assert tensor_summary(v)["sum"] == expected[name]["tensors"][k]["sum"], (name, k)
    assert load_state_dict_file(os.path.join(cdir, "nested.pt")).keys() == inner.keys()
    for name in ("evil_reduce.pt", "evil_global.pt"):
        try:
            torch.load(os.path.join(cdir, name), weights_only=True)
        except Exception:
            pass
        else:
            raise AssertionError(name + " was accepted by the restricted unpickler")


# ------------------------------------------------------------------------------------------------
def tree_size(root):
    total = 0
    for dp, _, fns in os.walk(root):
        for fn in fns:
            total += os.path.getsize(os.path.join(dp, fn))
    return total


def unique_size(root):
    """Bytes of distinct file contents (git stores identical files once): fbank.npy/feats.npy are
    the same in every model dir."""
    seen = {}
    for sub in ("wav", "fixtures", "checkpoints"):
        for dp, _, fns in os.walk(os.path.join(root, sub)):
            for fn in fns:
                with open(os.path.join(dp, fn), "rb") as f:
                    b = f.read()
                seen[hashlib.sha256(b).hexdigest()] = len(b)
    return sum(seen.values())


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "testdata"))
    ap.add_argument("--models", help="comma-separated model names: (re)write only these model directories and "
                    "their manifest entries, leaving the WAVs, the other models and the checkpoints as they are "
                    "(float results differ in the last bits from machine to machine)")
    args = ap.parse_args()
    out = args.out
    only = args.models.split(",") if args.models else None
    if only:
        unknown = set(only) - {m["name"] for m in MODELS}
        if unknown:
            ap.error("unknown models: %s" % ", ".join(sorted(unknown)))
    for sub in ("wav", "fixtures", "checkpoints") if not only else ():
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    os.makedirs(os.path.join(out, "wav"), exist_ok=True)

    rng = np.random.default_rng(20240611)
    wavs = make_wavs(rng)
    fbanks = OrderedDict()
    for stem, pcm in wavs.items():
        path = os.path.join(out, "wav", stem + ".wav")
        if not only:
            write_wav(path, pcm)
        samples, rate = read_wav(path)
        fbanks[stem] = fbank(samples, rate)
    cmvn = cmvn_json(fbanks.values())

    manifest = OrderedDict([("generator", "reference/make_fixtures.py"),
                            ("torch", torch.__version__.split("+")[0]),
                            ("route_gap_min", ROUTE_GAP_MIN), ("logp_gap_min", LOGIT_GAP_MIN),
                            ("wavs", OrderedDict((k, dict(samples=int(len(v)), seconds=len(v) / SAMPLE_RATE,
                                                          frames=int(fbanks[k].shape[0])))
                                                 for k, v in wavs.items())),
                            ("models", [])])
    if only:
        with open(os.path.join(out, "fixtures", "manifest.json"), encoding="utf-8") as f:
            kept = json.load(f, object_pairs_hook=OrderedDict)["models"]
        manifest["models"] = [m for m in kept if m["name"] not in only]
    for spec in MODELS:
        if only and spec["name"] not in only:
            continue
        shutil.rmtree(os.path.join(out, "fixtures", spec["name"]), ignore_errors=True)
        info = make_model(spec, out, wavs, fbanks, cmvn)
        manifest["models"].append(info)
        print("%-28s seed=%d route_gap=%.2e logp_gap=%.2e f64diff=%.1e experts_used=%s share=%.2f" % (
            spec["name"], info["seed"], info["min_route_gap"], info["min_logp_gap"],
            info["max_abs_logp_vs_float64"], info["experts_used_per_block"], info["max_expert_share"]))
    order = [m["name"] for m in MODELS]
    manifest["models"].sort(key=lambda m: order.index(m["name"]))
    write_json(os.path.join(out, "fixtures", "manifest.json"), manifest)
    if not only:
        make_checkpoints(out)

    total = sum(tree_size(os.path.join(out, s)) for s in ("wav", "fixtures", "checkpoints"))
    unique = unique_size(out)
    print("testdata total: %d bytes (%.2f MiB); distinct file contents: %d bytes (%.2f MiB)" % (
        total, total / 1048576.0, unique, unique / 1048576.0))


if __name__ == "__main__":
    main()

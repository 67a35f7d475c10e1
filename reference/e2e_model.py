#!/usr/bin/env python3
"""Random-weight 3m-asr model of the performance issue's size S or L, 30 s of audio, and the reference's answer.

    /usr/bin/python3 reference/e2e_model.py --size S --out benchmarks/target/e2e/S

Writes into OUT: model/ (train.yaml, final.pt, units.txt, global_cmvn: the 3m-asr layout that `speechmoe convert`
and the reference read), audio30.wav, and what the end-to-end comparison checks every engine against:
feats.f32 (the reference's CMVN-normalised fbank, T x 80), logp.f32 (T' x V), routes.i32 (blocks x T') and
meta.properties (the shapes). The .f32/.i32 files are raw little-endian arrays. Used by benchmarks/run-e2e.sh.
"""
import argparse
import json
import os
import sys
from collections import OrderedDict

import numpy as np
import torch

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# make_fixtures owns the 3m-asr file layout and the weight initialisation; only the sizes differ here
from make_fixtures import (_yaml_dump, balance_routers, cmvn_json, init_weights,  # noqa: E402
                           train_yaml_dict, write_json)
from speechmoe_ref import load_model  # noqa: E402
from speechmoe_ref.config import CTC_PROTO, parse_config  # noqa: E402
from speechmoe_ref.features import SAMPLE_RATE, apply_cmvn, fbank, load_global_cmvn, read_wav, write_wav  # noqa: E402
from speechmoe_ref.model import SpeechMoE  # noqa: E402

# The sizes of benchmarks' Fixtures.Model (kept equal to them by hand: one is Java, one is Python).
SIZES = {
    "S": dict(enc=dict(attention_dim=256, attention_heads=4, num_blocks=8),
              moe=dict(num_experts=8, hidden_units=1024),
              embed=dict(attention_dim=144, attention_heads=4, num_blocks=3, linear_units=576)),
    "L": dict(enc=dict(attention_dim=512, attention_heads=8, num_blocks=12),
              moe=dict(num_experts=32, hidden_units=2048),
              embed=dict(attention_dim=512, attention_heads=8, num_blocks=6, linear_units=2048)),
}
VOCAB = 5000
SECONDS = 30
# Every 16 kHz recording in the repository, repeated to 30 s: speech-like (espeak) and the synthetic fixture signals.
AUDIO_SOURCES = ["samples/synthetic-espeak.wav", "testdata/wav/chirp.wav", "testdata/wav/vowels.wav",
                 "testdata/wav/mixed.wav"]


def spec(size):
    s = SIZES[size]
    common = dict(cnn_module_kernel=15, cnn_module_norm="batch_norm", activation_type="swish")
    return dict(name="e2e_" + size, proto=CTC_PROTO, seed=9000, vocab=VOCAB,
                enc=dict(s["enc"], macaron_style=True, **common),
                moe=dict(s["moe"], router_with_bias=False, keep_expert_output=False),
                embed=dict(s["embed"], **common))


def units():
    return ["<blank>", "<unk>"] + ["\u2581t%d" % i for i in range(2, VOCAB - 1)] + ["<sos/eos>"]


def make_audio(root, path):
    parts = []
    for rel in AUDIO_SOURCES:
        samples, rate = read_wav(os.path.join(root, rel))
        if rate != SAMPLE_RATE:
            raise SystemExit("%s: %d Hz, expected %d" % (rel, rate, SAMPLE_RATE))
        parts.append(samples)
    one = np.concatenate(parts)
    n = SECONDS * SAMPLE_RATE
    wav = np.tile(one, n // len(one) + 1)[:n]
    write_wav(path, np.clip(np.round(wav * 32768.0), -32768, 32767).astype(np.int16))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=sorted(SIZES), default="S")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    root = os.path.dirname(HERE)
    out = args.out
    mdir = os.path.join(out, "model")
    os.makedirs(mdir, exist_ok=True)

    audio = os.path.join(out, "audio30.wav")
    make_audio(root, audio)
    samples, rate = read_wav(audio)
    fb = fbank(samples, rate)

    sp = spec(args.size)
    cfg_dict = train_yaml_dict(sp)
    with open(os.path.join(mdir, "train.yaml"), "w", encoding="utf-8") as f:
        f.write("# speechmoe-java end-to-end benchmark model %s: random weights (reference/e2e_model.py)\n" % args.size)
        f.write(_yaml_dump(cfg_dict))
    toks = units()
    with open(os.path.join(mdir, "units.txt"), "w", encoding="utf-8") as f:
        for i, u in enumerate(toks):
            f.write("%s %d\n" % (u, i))
    write_json(os.path.join(mdir, "global_cmvn"), cmvn_json([fb]))
    mean, istd = load_global_cmvn(os.path.join(mdir, "global_cmvn"))

    cfg = parse_config(json.loads(json.dumps(cfg_dict)))
    model = SpeechMoE(cfg, len(toks))
    init_weights(model, torch.Generator().manual_seed(sp["seed"]), len(toks))
    model.eval()
    # without it nearly every frame goes to one expert, which would flatter the gathered engines
    balance_routers(model, OrderedDict(audio=apply_cmvn(fb, mean, istd)))
    torch.save(OrderedDict((k, v.detach().clone()) for k, v in model.state_dict().items()),
               os.path.join(mdir, "final.pt"))
    del model

    # the answer of the model as a user loads it from disk
    res = load_model(mdir).run(samples, rate)
    res["feats"].numpy().astype("<f4").tofile(os.path.join(out, "feats.f32"))
    res["logp"].numpy().astype("<f4").tofile(os.path.join(out, "logp.f32"))
    routes = res["routes"].numpy().astype("<i4")
    routes.tofile(os.path.join(out, "routes.i32"))
    E = sp["moe"]["num_experts"]
    share = max(float(np.bincount(r, minlength=E).max()) / len(r) for r in routes)
    with open(os.path.join(out, "meta.properties"), "w", encoding="utf-8") as f:
        f.write("size=%s\nseconds=%d\nframes=%d\nmelBins=%d\noutFrames=%d\nvocab=%d\nblocks=%d\nexperts=%d\n" % (
            args.size, SECONDS, res["feats"].shape[0], res["feats"].shape[1], res["logp"].shape[0],
            res["logp"].shape[1], routes.shape[0], E))
    params = sum(v.numel() for v in torch.load(os.path.join(mdir, "final.pt")).values())
    print("e2e model %s: %.1f M parameters, %d feature frames -> %d output frames, largest expert share %.2f"
          % (args.size, params / 1e6, res["feats"].shape[0], res["logp"].shape[0], share))


if __name__ == "__main__":
    main()

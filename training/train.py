#!/usr/bin/env python3
"""Trains a small SpeechMoE (3m-asr conformer_moe_catEmbed, CTC) on CPU from build-data/data/train.tsv.

The network is the PyTorch reference's `SpeechMoE` (reference/speechmoe_ref/model.py), so the
state_dict keys are 3m-asr's and the checkpoint loads strictly in the reference, the converter and
the Java runtime. The reference only runs one utterance under no_grad; this file adds a *batched,
differentiable* forward over the same parameters (padding masks in attention / conv / MoE) and the
training losses:

  loss = CTC(main) + embed_scale * CTC(embedding network's out_linear head)
         + l1_scale * sum_blocks SparseL1(router probs) + imp_scale * sum_blocks MeanImportance(router probs)

Top-1 MoE, differentiable as in 3m-asr: out_t = g_t * expert_{i_t}(y_t), g_t = max softmax prob, so the
router learns through g_t (and through the two balance losses).

Writes build-data/model/{train.yaml, final.pt, units.txt, global_cmvn} every --save-minutes and at
the end; build-data/ckpt/last.pt holds model + optimizer + progress for --resume (default: resume
when last.pt exists). Run:
  OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/train.py --minutes 45
"""
import argparse
import json
import math
import os
import random
import sys
import time
from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "reference"))
from speechmoe_ref.config import parse_config, ids_to_text  # noqa: E402
from speechmoe_ref.features import fbank, read_wav  # noqa: E402
from speechmoe_ref.model import SpeechMoE, rel_positional_encoding, chunk_mask, LN_EPS  # noqa: E402
from make_fixtures import _yaml_dump as yaml_dump  # noqa: E402  (3m-asr style train.yaml, as the fixtures)

BUILD = os.path.join(ROOT, "build-data")
LETTERS = list("abcdefghijklmnopqrstuvwxyz'")


# ------------------------------------------------------------------------------------------
# vocabulary: <blank>, <unk>, word-initial pieces "▁a".."▁'", inner pieces "a".."'", <sos/eos>
# ------------------------------------------------------------------------------------------
def make_units():
    return ["<blank>", "<unk>"] + ["\u2581" + c for c in LETTERS] + LETTERS + ["<sos/eos>"]


def text_to_ids(text, unit_id):
    ids = []
    for w in text.split():
        for k, c in enumerate(w):
            ids.append(unit_id.get(("\u2581" + c) if k == 0 else c, 1))
    return ids


# ------------------------------------------------------------------------------------------
# config (3m-asr train.yaml layout, as reference/make_fixtures.py writes it)
# ------------------------------------------------------------------------------------------
def enc_conf(d, heads, blocks, linear_units, causal=False):
    return OrderedDict([
        ("attention_dim", d), ("attention_heads", heads), ("linear_units", linear_units),
        ("num_blocks", blocks), ("dropout_rate", 0.0), ("positional_dropout_rate", 0.0),
        ("attention_dropout_rate", 0.0), ("input_layer", "conv2d"), ("pos_enc_layer_type", "rel_pos"),
        ("normalize_before", True), ("concat_after", False), ("macaron_style", True),
        ("activation_type", "swish"), ("use_cnn_module", True), ("cnn_module_kernel", 15),
        ("cnn_module_norm", "layer_norm"), ("causal", causal),
        ("use_dynamic_chunk", causal), ("use_dynamic_left_chunk", False), ("static_chunk_size", 0)])


def train_yaml(args):
    enc = enc_conf(args.d, args.heads, args.blocks, args.hidden * 2, args.causal)
    enc["embed_scale"] = args.embed_scale
    enc["embed_conf"] = enc_conf(args.embed_d, args.embed_heads, args.embed_blocks, args.embed_d * 4, args.causal)
    enc["aux_scale"] = [args.l1_scale, args.imp_scale]
    enc["moe_conf"] = OrderedDict([
        ("num_experts", args.experts), ("hidden_units", args.hidden), ("dropout_rate", 0.0),
        ("capacity_factor", -1.0), ("router_regularization", "l1_plus_importance"),
        ("router_with_bias", False), ("keep_expert_output", False), ("rand_init_router", True)])
    return OrderedDict([
        ("job_type", "moe"), ("nnet_proto", "conformer_moe_catEmbed"), ("model_conf", enc),
        ("dataset_proto", "dataset"),
        ("dataset_conf", OrderedDict([
            ("resample_conf", OrderedDict([("resample_rate", 16000)])),
            ("speed_perturb", True),
            ("fbank_conf", OrderedDict([("num_mel_bins", 80), ("frame_shift", 10), ("frame_length", 25),
                                        ("dither", 0.0)])),
            ("spec_aug", True),
            ("spec_aug_conf", OrderedDict([("num_f_mask", 2), ("max_f", 10), ("num_t_mask", 2), ("max_t", 20)])),
        ])),
        ("train_conf", OrderedDict([("optim", "adam"), ("lr", args.lr), ("warmup_steps", args.warmup),
                                    ("max_minutes", args.minutes), ("grad_clip", 5.0),
                                    ("trained_with", "training/train.py (speechmoe-java)")])),
    ])


# ------------------------------------------------------------------------------------------
# initialisation (the reference zero-initialises what it does not construct with nn defaults)
# ------------------------------------------------------------------------------------------
def init_model(model, seed):
    g = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():
        if name.endswith("experts.w_1.weight") or name.endswith("experts.w_2.weight"):
            bound = 1.0 / math.sqrt(p.shape[2])
            with torch.no_grad():
                p.uniform_(-bound, bound, generator=g)
        elif name.endswith("router_weights"):
            bound = 1.0 / math.sqrt(p.shape[0])
            with torch.no_grad():
                p.uniform_(-bound, bound, generator=g)
        elif name.endswith("pos_bias_u") or name.endswith("pos_bias_v"):
            with torch.no_grad():
                torch.nn.init.xavier_uniform_(p, generator=g) if "generator" in \
                    torch.nn.init.xavier_uniform_.__code__.co_varnames else torch.nn.init.xavier_uniform_(p)


# ------------------------------------------------------------------------------------------
# batched differentiable forward over the reference modules
# ------------------------------------------------------------------------------------------
def sub_forward(sub, x, lens):
    h = sub.conv(x.unsqueeze(1))                     # (B, C, T', F')
    b, c, t, f = h.shape
    h = h.transpose(1, 2).reshape(b, t, c * f)
    out_lens = ((lens - 1) // 2 - 1) // 2
    return sub.out(h), out_lens


def attn_forward(att, y, pe, kmask):
    """kmask: (B, T) valid keys, or (B, T, T) keys each query may see."""
    b, t, _ = y.shape
    h, dk = att.h, att.d_k
    q = att.linear_q(y).view(b, t, h, dk)
    k = att.linear_k(y).view(b, t, h, dk).transpose(1, 2)
    v = att.linear_v(y).view(b, t, h, dk).transpose(1, 2)
    p = att.linear_pos(pe).view(t, h, dk).transpose(0, 1)          # (h, T, dk)
    qu = (q + att.pos_bias_u).transpose(1, 2)
    qv = (q + att.pos_bias_v).transpose(1, 2)
    scores = (qu @ k.transpose(-1, -2) + qv @ p.transpose(-1, -2).unsqueeze(0)) / math.sqrt(dk)
    visible = kmask[:, None, None, :] if kmask.dim() == 2 else kmask[:, None, :, :]
    scores = scores.masked_fill(~visible, -1e4)
    a = torch.softmax(scores, dim=-1)
    ctx = (a @ v).transpose(1, 2).reshape(b, t, h * dk)
    return att.linear_out(ctx)


def conv_forward(cm, y, mask):
    x = y.transpose(1, 2)                                          # (B, d, T)
    if cm.lorder > 0:
        # causal: zero input frames on the left, as the reference (so they reach the depthwise convolution as
        # glu(bias)); frames past the end are never seen by a valid frame
        x = F.glu(cm.pointwise_conv1(F.pad(x, (cm.lorder, 0))), dim=1)
    else:
        x = F.glu(cm.pointwise_conv1(x), dim=1)
        x = x.masked_fill(~mask[:, None, :], 0.0)                  # padding acts like zero padding
    x = cm.depthwise_conv(x)
    x = cm.norm(x.transpose(1, 2)).transpose(1, 2)
    x = cm.pointwise_conv2(cm.act(x))
    return x.transpose(1, 2)


def moe_forward(moe, y, e, mask):
    """Top-1 SpeechMoE layer over the valid frames. Returns (out (B,T,d), probs (N,E), routes (N,))."""
    yv, ev = y[mask], e[mask]                                      # (N, d), (N, d_e)
    logits = torch.cat([ev, yv], dim=-1) @ moe.router_weights
    probs = torch.softmax(logits, dim=-1)
    idx = torch.argmax(probs, dim=-1)
    gate = probs.gather(1, idx.unsqueeze(1))                       # differentiable gate
    outv = yv.new_zeros(yv.shape)
    for k in range(moe.num_experts):
        sel = torch.nonzero(idx == k, as_tuple=False).squeeze(1)
        if sel.numel() == 0:
            continue
        outv = outv.index_add(0, sel, moe.experts.apply_expert(k, yv.index_select(0, sel)))
    outv = outv * gate
    out = y.new_zeros(y.shape)
    out = out.masked_scatter(mask.unsqueeze(-1), outv)
    return out, probs, idx


def block_forward(blk, x, pe, mask, e=None, att_mask=None):
    x = x + blk.ff_scale * blk.feed_forward_macaron(blk.norm_ff_macaron(x))
    x = x + attn_forward(blk.self_attn, blk.norm_mha(x), pe, mask if att_mask is None else att_mask)
    x = x + conv_forward(blk.conv_module, blk.norm_conv(x), mask)
    y = blk.norm_ff(x)
    info = None
    if blk.is_moe:
        h, probs, idx = moe_forward(blk.feed_forward, y, e, mask)
        info = (probs, idx)
    else:
        h = blk.feed_forward(y)
    x = x + blk.ff_scale * h
    x = blk.norm_final(x)
    return x, info


def dynamic_chunk(t, rng):
    """WeNet's dynamic chunk training: half the batches see the full context, the others a chunk of 1-25 frames
    (after subsampling) and every chunk before it. -> chunk size, or 0 for full context."""
    c = rng.randint(1, max(1, t - 1))
    return 0 if c > t // 2 else c % 25 + 1


def model_forward(model, feats, lens, chunk=0):
    """feats (B, T, 80) after CMVN -> main log-probs (B,T',V), embed log-probs, out lens, router infos.
    chunk > 0: attention of both networks masked to the frame's chunk and all chunks before it."""
    emb = model.embed
    de = emb.conf.attention_dim
    xe, olens = sub_forward(emb.subsampling, feats, lens)
    t = xe.shape[1]
    mask = torch.arange(t)[None, :] < olens[:, None]
    att_mask = mask[:, None, :] & chunk_mask(t, chunk)[None] if chunk > 0 else None
    pe_e = rel_positional_encoding(t, de)
    xe = xe * math.sqrt(de)
    for blk in emb.blocks:
        xe, _ = block_forward(blk, xe, pe_e, mask, att_mask=att_mask)
    e = emb.after_norm(xe)
    d = model.cfg.encoder.attention_dim
    x, _ = sub_forward(model.subsampling, feats, lens)
    pe = rel_positional_encoding(t, d)
    x = x * math.sqrt(d)
    infos = []
    for blk in model.blocks:
        x, info = block_forward(blk, x, pe, mask, e, att_mask)
        infos.append(info)
    logp = torch.log_softmax(model.out_linear(model.after_norm(x)), dim=-1)
    logp_e = torch.log_softmax(emb.out_linear(e), dim=-1)
    return logp, logp_e, olens, infos


def sparse_l1(probs, eps=1e-20):
    """3m-asr SparseL1Loss: mean over frames of || p / ||p||_2 ||_1."""
    n = probs / probs.norm(2, dim=-1, keepdim=True).clamp(min=eps)
    return n.abs().sum() / probs.shape[0]


def mean_importance(probs):
    """3m-asr BalanceImportanceLoss: E * sum_j mean_t(p_tj)^2 (1 when balanced, E when collapsed)."""
    m = probs.mean(dim=0)
    return (m * m).sum() * probs.shape[1]


# ------------------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------------------
def load_feats(tsv, cache):
    with open(tsv, encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    if os.path.exists(cache):
        obj = torch.load(cache)
        if obj.get("paths") == [p for p, _ in rows]:
            return obj
        print("fbank cache %s is of another train.tsv: computing it again" % cache, flush=True)
    feats, texts = [], []
    t0 = time.time()
    for i, (p, t) in enumerate(rows):
        x, sr = read_wav(p)
        with torch.no_grad():
            fb = fbank(x, sr)
        feats.append(fb.to(torch.float16))
        texts.append(t)
        if i % 1000 == 0:
            print("fbank %d/%d %.0fs" % (i, len(rows), time.time() - t0), flush=True)
    obj = {"feats": feats, "texts": texts, "paths": [p for p, _ in rows]}
    torch.save(obj, cache + ".partial")
    os.replace(cache + ".partial", cache)
    return obj


def cmvn_stats(feats):
    s = torch.zeros(80, dtype=torch.float64)
    s2 = torch.zeros(80, dtype=torch.float64)
    n = 0
    for f in feats:
        f = f.double()
        s += f.sum(0)
        s2 += (f * f).sum(0)
        n += f.shape[0]
    return {"mean_stat": s.tolist(), "var_stat": s2.tolist(), "frame_num": n}


def make_batches(lens, max_frames, rng):
    order = sorted(range(len(lens)), key=lambda i: (lens[i], rng.random()))
    batches, cur, cur_max = [], [], 0
    for i in order:
        m = max(cur_max, lens[i])
        if cur and m * (len(cur) + 1) > max_frames:
            batches.append(cur)
            cur, m = [], lens[i]
        cur.append(i)
        cur_max = m
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def spec_augment(x, rng):
    t = x.shape[0]
    for _ in range(2):
        w = rng.randint(0, 10)
        f0 = rng.randint(0, 80 - w)
        x[:, f0:f0 + w] = 0.0
    for _ in range(2):
        w = rng.randint(0, min(20, max(1, t // 5)))
        t0 = rng.randint(0, max(0, t - w))
        x[t0:t0 + w, :] = 0.0
    return x


# ------------------------------------------------------------------------------------------
def save_model_dir(model, args, units, cmvn, outdir):
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "train.yaml"), "w", encoding="utf-8") as f:
        f.write(yaml_dump(train_yaml(args)))
    with open(os.path.join(outdir, "units.txt"), "w", encoding="utf-8") as f:
        for i, u in enumerate(units):
            f.write("%s %d\n" % (u, i))
    with open(os.path.join(outdir, "global_cmvn"), "w") as f:
        json.dump(cmvn, f)
    sd = OrderedDict((k, v.detach().clone()) for k, v in model.state_dict().items())
    torch.save(sd, os.path.join(outdir, "final.pt.partial"))
    os.replace(os.path.join(outdir, "final.pt.partial"), os.path.join(outdir, "final.pt"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", default=os.path.join(BUILD, "data", "train.tsv"))
    ap.add_argument("--out", default=os.path.join(BUILD, "model"))
    ap.add_argument("--ckpt", default=os.path.join(BUILD, "ckpt", "last.pt"))
    ap.add_argument("--feats", default=None, help="fbank cache (default build-data/feats_<train manifest name>.pt)")
    ap.add_argument("--minutes", type=float, default=45.0, help="training wall-time budget (whole run, across resumes)")
    ap.add_argument("--save-minutes", type=float, default=4.0)
    ap.add_argument("--max-frames", type=int, default=5000, help="padded fbank frames per batch")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=250)
    ap.add_argument("--d", type=int, default=144)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--blocks", type=int, default=4)
    ap.add_argument("--experts", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=576)
    ap.add_argument("--embed-d", type=int, default=96)
    ap.add_argument("--embed-heads", type=int, default=4)
    ap.add_argument("--embed-blocks", type=int, default=2)
    ap.add_argument("--embed-scale", type=float, default=0.01)
    ap.add_argument("--l1-scale", type=float, default=0.1)
    ap.add_argument("--imp-scale", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--causal", action="store_true", help="causal convolutions and dynamic chunk attention "
                                                          "training, so the model also decodes chunk by chunk")
    ap.add_argument("--max-steps", type=int, default=0, help="debug: stop after this many steps")
    ap.add_argument("--bench", action="store_true", help="time a few steps and exit (no saving)")
    ap.add_argument("--prepare", action="store_true", help="only compute the fbank cache, then exit (so that "
                                                            "several trainings can start from it at once)")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    units = make_units()
    unit_id = {u: i for i, u in enumerate(units)}
    cfg = parse_config(train_yaml(args))
    model = SpeechMoE(cfg, len(units))
    init_model(model, args.seed)
    nparam = sum(p.numel() for p in model.parameters())
    print("params %.2fM, units %d" % (nparam / 1e6, len(units)), flush=True)

    data = load_feats(args.train, args.feats or os.path.join(
        BUILD, "feats_%s.pt" % os.path.splitext(os.path.basename(args.train))[0]))
    if args.prepare:
        return
    feats, texts = data["feats"], data["texts"]
    cmvn = cmvn_stats(feats)
    n = float(cmvn["frame_num"])
    mean = torch.tensor(cmvn["mean_stat"], dtype=torch.float64) / n
    istd = 1.0 / torch.sqrt(torch.clamp(torch.tensor(cmvn["var_stat"], dtype=torch.float64) / n - mean * mean, min=1e-20))
    mean, istd = mean.float(), istd.float()
    targets = [text_to_ids(t, unit_id) for t in texts]
    lens = [f.shape[0] for f in feats]
    print("utterances %d, hours %.2f" % (len(feats), sum(lens) / 360000.0), flush=True)

    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.98), eps=1e-9)
    step, epoch, elapsed, bidx = 0, 0, 0.0, 0
    if os.path.exists(args.ckpt) and not args.bench:
        ck = torch.load(args.ckpt)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, epoch, elapsed, bidx = ck["step"], ck["epoch"], ck["elapsed"], ck["bidx"]
        print("resumed step %d epoch %d batch %d elapsed %.1f min" % (step, epoch, bidx, elapsed / 60), flush=True)
    budget = args.minutes * 60.0

    def lr_at(step, frac):
        w = min(1.0, (step + 1) / args.warmup)
        decay = 1.0 if frac < 0.4 else 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, (frac - 0.4) / 0.6)))
        return args.lr * w * decay

    def checkpoint():
        os.makedirs(os.path.dirname(args.ckpt), exist_ok=True)
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "epoch": epoch,
                    "elapsed": elapsed, "bidx": bidx, "args": vars(args)}, args.ckpt + ".partial")
        os.replace(args.ckpt + ".partial", args.ckpt)
        save_model_dir(model, args, units, cmvn, args.out)

    model.train()
    t_start = time.time() - elapsed
    last_save = time.time()
    run_loss, run_n = None, 0
    done = False
    while not done:
        brng = random.Random(args.seed * 1000 + epoch)
        batches = make_batches(lens, args.max_frames, brng)
        while bidx < len(batches):
            idxs = batches[bidx]
            srng = random.Random(args.seed * 7777 + step)
            bt = max(lens[i] for i in idxs)
            x = torch.zeros(len(idxs), bt, 80)
            for j, i in enumerate(idxs):
                f = (feats[i].float() - mean) * istd
                x[j, :lens[i]] = spec_augment(f, srng)
            blens = torch.tensor([lens[i] for i in idxs])
            tgt = [torch.tensor(targets[i]) for i in idxs]
            tl = torch.tensor([len(t) for t in tgt])
            frac = (time.time() - t_start) / budget
            for g in opt.param_groups:
                g["lr"] = lr_at(step, frac)
            t0 = time.time()
            chunk = dynamic_chunk(((bt - 1) // 2 - 1) // 2, srng) if args.causal else 0
            logp, logp_e, olens, infos = model_forward(model, x, blens, chunk)
            tcat = torch.cat(tgt)
            ctc = F.ctc_loss(logp.transpose(0, 1), tcat, olens, tl, blank=0, reduction="sum",
                             zero_infinity=True) / len(idxs)
            ctc_e = F.ctc_loss(logp_e.transpose(0, 1), tcat, olens, tl, blank=0, reduction="sum",
                               zero_infinity=True) / len(idxs)
            l1 = sum(sparse_l1(p) for p, _ in infos)
            imp = sum(mean_importance(p) for p, _ in infos)
            loss = ctc + args.embed_scale * ctc_e + args.l1_scale * l1 + args.imp_scale * imp
            opt.zero_grad()
            loss.backward()
            gn = torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            step += 1
            bidx += 1
            dt = time.time() - t0
            if args.bench:
                print("bench step %d: B=%d T=%d %.2fs ctc %.2f" % (step, len(idxs), bt, dt, ctc.item()), flush=True)
                if step >= 6:
                    return
                continue
            vals = torch.tensor([ctc.item() / max(1, tl.float().mean().item()), ctc_e.item() / max(1, tl.float().mean().item()),
                                 l1.item() / len(infos), imp.item() / len(infos)])
            run_loss = vals if run_loss is None else 0.98 * run_loss + 0.02 * vals
            if step % 25 == 0:
                usage = torch.bincount(torch.cat([r for _, r in infos]), minlength=args.experts).float()
                usage = (usage / usage.sum()).tolist()
                print("step %d ep %d %d/%d lr %.2e ctc/tok %.3f emb %.3f l1 %.3f imp %.3f gn %.1f B %d %.2fs "
                      "experts %s elapsed %.1fm" % (step, epoch, bidx, len(batches), opt.param_groups[0]["lr"],
                                                     *run_loss.tolist(), gn, len(idxs), dt,
                                                     " ".join("%.2f" % u for u in usage),
                                                     (time.time() - t_start) / 60), flush=True)
            elapsed = time.time() - t_start
            if time.time() - last_save > args.save_minutes * 60:
                checkpoint()
                last_save = time.time()
                print("saved step %d" % step, flush=True)
            if elapsed >= budget or (args.max_steps and step >= args.max_steps):
                done = True
                break
        if not done:
            epoch += 1
            bidx = 0
    elapsed = time.time() - t_start
    checkpoint()
    print("finished: step %d epoch %d elapsed %.1f min" % (step, epoch, elapsed / 60), flush=True)


if __name__ == "__main__":
    main()

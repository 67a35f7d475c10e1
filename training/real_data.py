#!/usr/bin/env python3
"""Splits the real-speech corpora (training/corpora/*.py, each written to build-data/real/NAME/clips.tsv) into
training, dev and held-out test manifests, and writes augmented copies of the training clips.

  OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/real_data.py [--copies 2]

Held out, never trained, tuned or selected on: each corpus module's TEST_SPEAKERS (whole speakers), and for the
16 kHz Asterisk prompts the test prompts of make_data.plan (split by text, as the 8 kHz recordings). From the
training speakers, a seeded 4 % of the clips forms the dev set (for LM weights and model selection), never
trained on. Writes to build-data/data/: train_real.tsv (originals + augmented copies), dev_real.tsv,
test_real_NAME.tsv per corpus with held-out speakers, test_real.tsv (all of them), test_ast16k.tsv, and
real_info.json (clips, hours and speakers of every split).
"""
import argparse
import importlib
import json
import os
import random
import sys
import zlib

TRAINING = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TRAINING)
import make_data  # noqa: E402
from corpora import common  # noqa: E402

MIN_SECONDS, MAX_SECONDS = 0.4, 20.0
# CTC needs at least one output frame per unit (25 frames a second after 4x subsampling); clips whose text is
# that dense are mis-cut or mis-mapped
MAX_UNITS_PER_SECOND = 20.0


def usable(text, seconds):
    units = len(text.replace(" ", ""))
    return MIN_SECONDS <= seconds <= MAX_SECONDS and units <= MAX_UNITS_PER_SECOND * seconds


def corpora():
    names = sorted(d for d in os.listdir(common.REAL) if os.path.exists(os.path.join(common.REAL, d, "clips.tsv")))
    for name in names:
        module = importlib.import_module("corpora." + name)
        yield name, module, common.read_manifest(os.path.join(common.REAL, name, "clips.tsv"))


def augmented_copy(src, dst, seed):
    if os.path.exists(dst):
        return
    r = random.Random(seed)
    x, sr = make_data.read_wav(src)
    x = make_data.resample(x, sr * r.choice([0.9, 1.0, 1.1]), make_data.SR)
    make_data.write_wav(dst, make_data.augment(x, r))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=2, help="training copies of each clip: the original + augmented")
    ap.add_argument("--dev-percent", type=float, default=4.0)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--out", default=make_data.OUT)
    args = ap.parse_args()
    plan_args = make_data.parser().parse_args(["--n-train", "16000", "--dev", "200", "--seed", str(args.seed)])
    ast_test_texts = make_data.plan(plan_args).ast_test_texts

    train, dev, tests, info = [], [], {}, {}
    for name, module, rows in corpora():
        held = set(getattr(module, "TEST_SPEAKERS", []))
        kept = [r for r in rows if usable(r[1], r[3])]
        split = {"train": [], "dev": [], "test": []}
        for row in kept:
            path, text, speaker, seconds = row
            if name == "asterisk16k":
                side = "test" if text in ast_test_texts else "train"
            elif speaker in held:
                side = "test"
            else:
                side = "dev" if random.Random("%d %s" % (args.seed, path)).random() < args.dev_percent / 100 else "train"
            split[side].append(row)
        info[name] = {"clips": len(rows), "unusable": len(rows) - len(kept),
                      **{side: {"clips": len(r), "hours": round(sum(x[3] for x in r) / 3600, 3),
                                "speakers": sorted({x[2] for x in r})} for side, r in split.items()}}
        aug_dir = os.path.join(common.REAL, name, "aug")
        os.makedirs(aug_dir, exist_ok=True)
        for k, (path, text, speaker, seconds) in enumerate(split["train"]):
            train.append((path, text))
            for c in range(1, args.copies):
                dst = os.path.join(aug_dir, "%s.%d.wav" % (os.path.splitext(os.path.basename(path))[0], c))
                augmented_copy(path, dst, zlib.crc32(("%d %s %d" % (args.seed, path, c)).encode()))
                train.append((dst, text))
        dev += [(r[0], r[1]) for r in split["dev"]]
        if split["test"]:
            tests["ast16k" if name == "asterisk16k" else "real_" + name] = [(r[0], r[1]) for r in split["test"]]
        print("%-12s train %5d clips %5.2f h | dev %4d | test %4d clips %5.2f h %s" % (
            name, len(split["train"]), info[name]["train"]["hours"], len(split["dev"]), len(split["test"]),
            info[name]["test"]["hours"], info[name]["test"]["speakers"]), flush=True)

    def dump(fn, rows):
        with open(os.path.join(args.out, fn + ".partial"), "w", encoding="utf-8") as f:
            for path, text in rows:
                f.write("%s\t%s\n" % (path, text))
        os.replace(os.path.join(args.out, fn + ".partial"), os.path.join(args.out, fn))

    os.makedirs(args.out, exist_ok=True)
    dump("train_real.tsv", train)
    dump("dev_real.tsv", dev)
    for name, rows in tests.items():
        dump("test_%s.tsv" % name, rows)
    dump("test_real.tsv", [row for name, rows in sorted(tests.items()) if name != "ast16k" for row in rows])
    with open(os.path.join(args.out, "real_info.json"), "w") as f:
        json.dump(info, f, indent=1)


if __name__ == "__main__":
    main()

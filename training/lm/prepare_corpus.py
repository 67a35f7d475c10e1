#!/usr/bin/env python3
"""The text corpus of the default English language model, from English text in Debian packages.

Sources (installed Debian packages; see training/lm/README.md for versions and licenses):
  fortunes     /usr/share/games/fortunes/*.u8 (fortunes + fortunes-min; art, ascii-art, translate-me skipped)
  web          World English Bible (sword-text-web, module engWEB2015eb), exported with mod2imp (libsword-utils)
  wordnet      the quoted example sentences of WordNet 3.0's glosses (wordnet-base, /usr/share/wordnet/data.*)
  wordnet_gloss  the definitions of those glosses, split at ';' (3+ words)
  devil        Ambrose Bierce, The Devil's Dictionary (dict-devil, /usr/share/dictd/devil.dict.dz)

Every source is split into sentences the way training/make_data.py splits fortunes, and each sentence is normalized
with make_data.normalize (strict): lower-case [a-z' ], digits spelled out with make_data.num_words, sentences with
abbreviations, acronyms, decimals or odd characters dropped, exactly the spelling of the acoustic model's units.
One sentence per line, 2..60 words.

Held-out prompts: every test prompt of the training recipe (make_data.plan: the 300 held-out fortune sentences, the
texts of test_syn*.tsv including generated phrases, the Asterisk test-split prompt texts) and every dev prompt
(dev_syn, dev_ast, used to tune the decoder's LM weight) is removed: a corpus sentence equal to one is dropped, and
so is a sentence that contains one of 4 or more words. The counts go to stats.json.

The corpus is then split by line, deterministically: 5 % held out for perplexity (heldout.txt), the rest train.txt.

  /usr/bin/python3 training/lm/prepare_corpus.py --out build-data/lm
"""
import argparse
import collections
import glob
import gzip
import json
import os
import random
import re
import subprocess
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import make_data  # noqa: E402  (training/make_data.py: normalize, num_words, plan)

MIN_WORDS, MAX_WORDS = 2, 60
CONTAIN_MIN_WORDS = 4
SPLIT = re.compile(r"(?<=[.!?])\s+")


def ascii_text(s: str) -> str:
    """Typographic characters -> the ASCII that make_data.normalize accepts; accents dropped."""
    for a, b in (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'"), ("\u2014", " - "),
                 ("\u2013", " - "), ("\u2026", "..."), ("\u00a0", " "), ("_", " "), ("*", " ")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def sentences(text: str):
    """Sentence split as make_data.fortune_sentences does, then strict normalization."""
    text = re.sub(r"\s+", " ", ascii_text(text))
    for sent in SPLIT.split(text):
        sent = sent.strip().strip('"').strip()
        if not sent:
            continue
        t = make_data.normalize(sent)
        if t and MIN_WORDS <= len(t.split()) <= MAX_WORDS:
            yield t


def src_fortunes():
    for path in sorted(glob.glob(os.path.join(make_data.FORTUNE_DIR, "*.u8"))):
        if os.path.basename(path).startswith(("ascii-art", "art", "translate-me")):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            chunks = f.read().split("\n%\n")
        for ch in chunks:
            body = re.sub(r"\n\s*--.*", "", ch, flags=re.S)  # drop attributions, as make_data does
            yield from sentences(body)


def src_web():
    """World English Bible: chapters joined and split into sentences (verse boundaries are not sentences)."""
    out = subprocess.run(["mod2imp", "engWEB2015eb"], check=True, capture_output=True).stdout.decode("utf-8")
    chapters = collections.OrderedDict()
    key = None
    for line in out.split("\n"):
        if line.startswith("$$$"):
            m = re.match(r"\$\$\$(.+?) (\d+):\d+$", line)
            key = (m.group(1), m.group(2)) if m else None
            continue
        if key is None or not line.strip():
            continue
        line = re.sub(r"<note\b.*?</note>", " ", line, flags=re.S)
        line = re.sub(r"<title\b.*?</title>", " ", line, flags=re.S)
        line = re.sub(r"<[^>]*>", " ", line)
        chapters.setdefault(key, []).append(line)
    for lines in chapters.values():
        yield from sentences(" ".join(lines))


def src_wordnet():
    seen = set()
    for pos in ("noun", "verb", "adj", "adv"):
        with open("/usr/share/wordnet/data.%s" % pos, encoding="latin-1") as f:
            for line in f:
                if line.startswith("  ") or "|" not in line:
                    continue
                for ex in re.findall(r'"([^"]+)"', line.split("|", 1)[1]):
                    for t in sentences(ex):
                        if t not in seen:        # the same example is often quoted under several synsets
                            seen.add(t)
                            yield t


def src_wordnet_glosses():
    """The definitions of WordNet's glosses (without the examples), split at ';': modern general vocabulary."""
    seen = set()
    for pos in ("noun", "verb", "adj", "adv"):
        with open("/usr/share/wordnet/data.%s" % pos, encoding="latin-1") as f:
            for line in f:
                if line.startswith("  ") or "|" not in line:
                    continue
                gloss = re.sub(r'"[^"]*"', " ", line.split("|", 1)[1])
                for part in gloss.split(";"):
                    part = part.strip()
                    if len(part.split()) < 3:
                        continue
                    for t in sentences(part):
                        if t not in seen:
                            seen.add(t)
                            yield t


def src_devil():
    with gzip.open("/usr/share/dictd/devil.dict.dz", "rt", encoding="latin-1") as f:
        text = f.read()
    for entry in re.split(r"\n\s*\n", text):
        # drop the headword ("ABSOLUTE, adj.") and signatures of the verses ("G.J.")
        entry = re.sub(r"^[A-Z][A-Z' -]+,\s*(?:[a-z]+\.\s*)+", "", entry.strip())
        entry = re.sub(r"\[[^]]*\]|\{|\}", " ", entry)
        yield from sentences(entry)


SOURCES = {"fortunes": src_fortunes, "web": src_web, "wordnet": src_wordnet, "wordnet_gloss": src_wordnet_glosses,
           "devil": src_devil}


def held_out_prompts(n_train=16000, n_dev=200, seed=1234):
    """Every test and dev prompt of training/make_data.py (as run by training/run.sh, plus --dev)."""
    args = make_data.parser().parse_args(["--n-train", str(n_train), "--dev", str(n_dev), "--seed", str(seed)])
    p = make_data.plan(args)
    return {"test": set(p.test_texts),
            "dev": set(t for _, t in p.rows_dev) | set(t for _, t in p.rows_dev_ast)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="build-data/lm")
    ap.add_argument("--heldout-percent", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    prompts = held_out_prompts(seed=args.seed)
    allp = prompts["test"] | prompts["dev"]
    long_prompts = [" %s " % p for p in allp if len(p.split()) >= CONTAIN_MIN_WORDS]
    long_re = re.compile("|".join(re.escape(p) for p in sorted(long_prompts)))
    stats = {"prompts": {k: len(v) for k, v in prompts.items()}, "sources": {},
             "removed_equal": collections.Counter(), "removed_contains": collections.Counter()}
    lines = []
    for name, fn in SOURCES.items():
        n = w = 0
        seen = set() if name == "fortunes" else None   # a cookie is often in several files
        for t in fn():
            if seen is not None:
                if t in seen:
                    continue
                seen.add(t)
            if t in allp:
                stats["removed_equal"]["test" if t in prompts["test"] else "dev"] += 1
                stats["removed_equal"][name] += 1
                continue
            if long_re.search(" %s " % t):
                stats["removed_contains"][name] += 1
                continue
            lines.append(t)
            n += 1
            w += len(t.split())
        stats["sources"][name] = {"sentences": n, "words": w}
        print("%-9s %8d sentences %9d words" % (name, n, w), flush=True)

    rng = random.Random(args.seed)
    idx = list(range(len(lines)))
    rng.shuffle(idx)
    n_held = int(len(lines) * args.heldout_percent / 100)
    held = set(idx[:n_held])
    with open(os.path.join(args.out, "train.txt.partial"), "w") as ft, \
            open(os.path.join(args.out, "heldout.txt"), "w") as fh:
        for i, t in enumerate(lines):
            (fh if i in held else ft).write(t + "\n")
    os.replace(os.path.join(args.out, "train.txt.partial"), os.path.join(args.out, "train.txt"))
    stats["removed_equal"] = dict(stats["removed_equal"])
    stats["removed_contains"] = dict(stats["removed_contains"])
    stats["total"] = {"sentences": len(lines), "words": sum(len(t.split()) for t in lines),
                      "train_sentences": len(lines) - n_held, "heldout_sentences": n_held}
    with open(os.path.join(args.out, "stats.json"), "w") as f:
        json.dump(stats, f, indent=1)
    print(json.dumps(stats, indent=1))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""CER / WER of Debian's pocketsphinx (`pocketsphinx` with `pocketsphinx-en-us`: the en-us acoustic model, its
dictionary and its default LM) on the same manifests as training/evaluate.py, for the side-by-side comparison.

  OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/pocketsphinx_eval.py \
      build-data/data/test_ast.tsv /work/build-data/real/warzone/clips.tsv [--json ps.json] [--jobs 1]

Each manifest is `path<TAB>reference text[<TAB>...]` (extra columns ignored). A set is named after its file without
`.tsv`, a corpus manifest (`clips.tsv`) after its folder. Prints one line per set in evaluate.py's shape, writes
<--out>/<set>.hyp.tsv (path, reference, hypothesis) and, with --json, a summary JSON.

Resumable and parallel-safe: every hypothesis is appended to <--out>/<set>.cache.tsv (path, flags, hypothesis) as soon
as it is decoded, one whole line per write, so an interrupted run, or a second one on the same set, decodes only what
is missing; the .hyp.tsv and the JSON are written atomically at the end. The cache is keyed by the decoder flags.

Decoder: `pocketsphinx_continuous -infile x.wav` with the model's defaults (-hmm, -lm, -dict of pocketsphinx-en-us,
-samprate 16000) plus DEFAULT_FLAGS (see the comment there). A WAV that is not 16 kHz mono 16-bit is converted with
ffmpeg first (an 8 kHz recording is upsampled: it then has no energy above 4 kHz, which the 16 kHz model expects).

--closed-vocabulary checks a text mapping rather than measuring the baseline: it decodes each clip with a JSGF grammar
whose only sentences are the set's own texts (those that the en-us dictionary can spell; the others are left out and
counted). Isolated words defeat the open LM (WER near 100 % even for a right mapping), but with the grammar a right
mapping is mostly recognized, while a shifted one can only match by chance; the control line scores each hypothesis
against the text of the clip SHIFT lines further on, what such a wrong mapping gives. Its set is named `<set>.closed`.
"""
import argparse
import hashlib
import json
import multiprocessing
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
import wave

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpora"))
import common  # noqa: E402

# The model's own configuration; see training/corpora/README.md for the flags that were tried.
DEFAULT_FLAGS = ""
DICTIONARY = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
SHIFT = 7


def is_16k_pcm(path):
    try:
        with wave.open(path, "rb") as w:
            return w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
    except (wave.Error, EOFError):
        return False


def decode(path, flags):
    """pocketsphinx's hypothesis for one WAV, normalized like the references."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = path
        if not is_16k_pcm(path):
            wav = os.path.join(tmp, "in.wav")
            subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", path, "-ac", "1", "-ar",
                            "16000", "-c:a", "pcm_s16le", wav], check=True, stdin=subprocess.DEVNULL)
        run = subprocess.run(["pocketsphinx_continuous", "-infile", wav, "-logfn", os.devnull, *shlex.split(flags)],
                             capture_output=True, text=True, cwd=tmp, stdin=subprocess.DEVNULL)
    if run.returncode != 0:
        raise RuntimeError("pocketsphinx_continuous failed on %s (exit %d)" % (path, run.returncode))
    return common.normalize_text(" ".join(run.stdout.split())) or ""


def _decode_task(task):
    path, flags = task
    return path, decode(path, flags)


def set_name(tsv):
    base = os.path.splitext(os.path.basename(tsv))[0]
    return os.path.basename(os.path.dirname(os.path.abspath(tsv))) if base == "clips" else base


def read_rows(tsv):
    rows = []
    for n, line in enumerate(open(tsv, encoding="utf-8"), 1):
        if line.strip():
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2:
                raise ValueError("%s:%d: expected path<TAB>text" % (tsv, n))
            rows.append((cols[0], cols[1]))
    return rows


def read_cache(path, flags):
    cache = {}
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            cols = line.rstrip("\n").split("\t")
            if len(cols) == 3 and cols[1] == flags:
                cache[cols[0]] = cols[2]
    return cache


def score(pairs):
    """(reference, hypothesis) pairs -> character and word edit counts and lengths."""
    ce = cn = we = wn = 0
    for ref, hyp in pairs:
        r, h = ref.split(), hyp.split()
        ce += common.edit_distance(" ".join(r), " ".join(h))
        cn += len(" ".join(r))
        we += common.edit_distance(r, h)
        wn += len(r)
    return ce, cn, we, wn


def dictionary_words():
    words = set()
    for line in open(DICTIONARY, encoding="utf-8"):
        words.add(re.sub(r"\(\d+\)$", "", line.split(" ", 1)[0]))
    return words


def closed_grammar(rows, outdir, name):
    """A JSGF grammar whose sentences are the manifest's distinct texts that the dictionary can spell -> its path and
    the rows with such a text. The file name carries a hash of the grammar, so that the cache key changes with it."""
    vocabulary = dictionary_words()
    texts = sorted({t for _, t in rows if all(w in vocabulary for w in t.split())})
    body = "#JSGF V1.0;\ngrammar texts;\npublic <text> = %s ;\n" % " | ".join("( %s )" % t for t in texts)
    path = os.path.join(outdir, "%s.%s.jsgf" % (name, hashlib.sha1(body.encode()).hexdigest()[:10]))
    if not os.path.exists(path):
        with open(path + ".partial", "w", encoding="utf-8") as f:
            f.write(body)
        os.replace(path + ".partial", path)
    return path, [r for r in rows if r[1] in set(texts)]


def evaluate(tsv, outdir, flags, jobs, limit=0, closed=False):
    name = set_name(tsv)
    rows = read_rows(tsv)[:limit or None]
    n_all = len(rows)
    if closed:
        grammar, rows = closed_grammar(rows, outdir, name)
        name, flags = name + ".closed", (flags + " -jsgf " + grammar).strip()
    cache_path = os.path.join(outdir, name + ".cache.tsv")
    cache = read_cache(cache_path, flags)
    todo = sorted({p for p, _ in rows if p not in cache})
    t0 = time.time()
    if todo:
        with open(cache_path, "a", encoding="utf-8") as f:
            tasks = [(p, flags) for p in todo]
            pool = multiprocessing.Pool(jobs) if jobs > 1 else None
            try:
                for p, hyp in (pool.imap_unordered(_decode_task, tasks) if pool else map(_decode_task, tasks)):
                    cache[p] = hyp
                    f.write("%s\t%s\t%s\n" % (p, flags, hyp))
                    f.flush()
            finally:
                if pool:
                    pool.terminate()
    hyps = [(p, ref, cache[p]) for p, ref in rows]
    ce, cn, we, wn = score((ref, hyp) for _, ref, hyp in hyps)
    # what a wrong mapping would score: each hypothesis against the text of the clip SHIFT lines further on
    _, _, swe, swn = score((hyps[(i + SHIFT) % len(hyps)][1], hyp) for i, (_, _, hyp) in enumerate(hyps))
    tmp = os.path.join(outdir, name + ".hyp.tsv.partial")
    with open(tmp, "w", encoding="utf-8") as f:
        for p, ref, hyp in hyps:
            f.write("%s\t%s\t%s\n" % (p, ref, hyp))
    os.replace(tmp, os.path.join(outdir, name + ".hyp.tsv"))
    return {"set": name, "manifest": os.path.abspath(tsv), "utts": len(rows), "not_in_grammar": n_all - len(rows),
            "decoded_now": len(todo),
            "cer": 100.0 * ce / max(1, cn), "wer": 100.0 * we / max(1, wn), "chars": cn, "words": wn,
            "shifted_wer": 100.0 * swe / max(1, swn), "seconds": round(time.time() - t0, 1),
            "decoder": ("pocketsphinx_continuous " + flags).strip()}, hyps


def main():
    ap = argparse.ArgumentParser(description="CER/WER of pocketsphinx (en-us model and LM) on manifests")
    ap.add_argument("--out", default=os.path.join(common.BUILD, "eval-pocketsphinx"),
                    help="folder of the .hyp.tsv and .cache.tsv files")
    ap.add_argument("--flags", default=DEFAULT_FLAGS, help="extra pocketsphinx_continuous flags (default: %(default)s)")
    ap.add_argument("--jobs", type=int, default=1, help="pocketsphinx processes at once")
    ap.add_argument("--limit", type=int, default=0, help="only the first N clips of each manifest")
    ap.add_argument("--closed-vocabulary", action="store_true",
                    help="decode with a grammar of the set's own texts instead of the LM: checks a text mapping")
    ap.add_argument("--show", type=int, default=0, help="print N reference/hypothesis pairs per set")
    ap.add_argument("--json", default=None, help="write the per-set results here")
    ap.add_argument("manifests", nargs="+")
    args = ap.parse_args()
    for tsv in args.manifests:
        if not os.path.isfile(tsv):
            ap.exit(2, "pocketsphinx_eval: no such manifest: %s\n" % tsv)
    os.makedirs(args.out, exist_ok=True)
    results = []
    for tsv in args.manifests:
        try:
            res, hyps = evaluate(tsv, args.out, args.flags, max(1, args.jobs), args.limit,
                                 args.closed_vocabulary)
        except (ValueError, RuntimeError, subprocess.CalledProcessError, FileNotFoundError) as e:
            print("pocketsphinx_eval: %s" % e, file=sys.stderr)
            sys.exit(1)
        for _, ref, hyp in hyps[:args.show]:
            print("  REF: %s\n  HYP: %s" % (ref, hyp))
        print("%-14s utts %4d  CER %6.2f %%  WER %6.2f %%  (%.0fs, %s)" % (
            res["set"], res["utts"], res["cer"], res["wer"], res["seconds"], res["decoder"]), flush=True)
        if args.closed_vocabulary:
            print("%-14s texts shifted by %d clips (a wrong mapping): WER %6.2f %%" % ("", SHIFT, res["shifted_wer"]))
        results.append(res)
    if args.json:
        tmp = args.json + ".partial"
        with open(tmp, "w") as f:
            json.dump(results, f, indent=1)
        os.replace(tmp, args.json)


if __name__ == "__main__":
    main()

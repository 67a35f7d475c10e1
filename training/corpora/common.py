"""What every real-speech corpus extractor shares: where clips go, how they are written, the manifest, text
normalization, and a pocketsphinx spot check of a text mapping.

A corpus `NAME` writes 16 kHz mono 16-bit WAVs to `$BUILD/real/NAME/wav/` and one manifest
`$BUILD/real/NAME/clips.tsv` with the columns `path<TAB>text<TAB>speaker<TAB>seconds` (absolute path, text
normalized to [a-z' ], a stable speaker label). `$BUILD` is `$SPEECHMOE_BUILD` when set, else `build-data/` in the
checkout (git-ignored).
"""
import os
import random
import subprocess
import sys
import tempfile

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TRAINING)
BUILD = os.environ.get("SPEECHMOE_BUILD") or os.path.join(ROOT, "build-data")
REAL = os.path.join(BUILD, "real")
SR = 16000

sys.path.insert(0, TRAINING)
from make_data import normalize  # noqa: E402


def corpus_dir(name):
    d = os.path.join(REAL, name)
    os.makedirs(os.path.join(d, "wav"), exist_ok=True)
    return d


def normalize_text(s):
    """Spoken text -> lower-case [a-z' ] words (digits spelled out), or None when nothing is left."""
    return normalize(s, strict=False)


def to_wav(dst, input_args, data=None):
    """Decodes with ffmpeg to a 16 kHz mono 16-bit WAV, atomically; `input_args` describe the input (e.g.
    ["-f", "u8", "-ar", "11025", "-ac", "1", "-i", "pipe:"] with `data` bytes, or ["-i", path]). Returns seconds."""
    tmp = dst + ".partial.wav"
    cmd = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *input_args,
           "-ac", "1", "-ar", str(SR), "-c:a", "pcm_s16le", tmp]
    if data is None:
        subprocess.run(cmd, check=True, stdin=subprocess.DEVNULL)
    else:
        subprocess.run(cmd, input=data, check=True)
    os.replace(tmp, dst)
    return wav_seconds(dst)


def wav_seconds(path):
    return max(0, os.path.getsize(path) - 44) / (2 * SR)


def write_manifest(name, rows):
    """rows: (path, text, speaker, seconds); written atomically, sorted by path."""
    d = corpus_dir(name)
    tmp = os.path.join(d, "clips.tsv.partial")
    with open(tmp, "w", encoding="utf-8") as f:
        for path, text, speaker, seconds in sorted(rows):
            assert "\t" not in text and "\n" not in text and "\t" not in speaker
            f.write("%s\t%s\t%s\t%.3f\n" % (path, text, speaker, seconds))
    os.replace(tmp, os.path.join(d, "clips.tsv"))
    hours = sum(r[3] for r in rows) / 3600
    print("%s: %d clips, %.2f h, %d speakers -> %s" % (name, len(rows), hours, len({r[2] for r in rows}),
                                                       os.path.join(d, "clips.tsv")))


def read_manifest(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        if line.strip():
            p, text, speaker, seconds = line.rstrip("\n").split("\t")
            rows.append((p, text, speaker, float(seconds)))
    return rows


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
        prev = cur
    return prev[-1]


def pocketsphinx(wav):
    """pocketsphinx's en-us model and LM on one 16 kHz WAV -> normalized hypothesis text."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(["pocketsphinx_continuous", "-infile", wav, "-logfn", os.devnull],
                             capture_output=True, text=True, cwd=tmp, stdin=subprocess.DEVNULL).stdout
    return normalize_text(" ".join(out.split())) or ""


def spot_check(rows, n=40, seed=1):
    """Word error rate of pocketsphinx against the mapped texts of n random clips: a right mapping gives a WER well
    below 100 % (pocketsphinx is far from perfect on game voices); a shifted or wrong mapping gives ~100 %."""
    sample = random.Random(seed).sample(rows, min(n, len(rows)))
    errors = words = 0
    for path, text, speaker, _ in sample:
        hyp = pocketsphinx(path)
        e = edit_distance(text.split(), hyp.split())
        errors, words = errors + e, words + len(text.split())
        print("  %-5.0f%% %-12s REF %s\n         %-12s HYP %s" % (100 * e / max(1, len(text.split())), speaker, text,
                                                                 "", hyp))
    print("spot check: WER %.1f %% over %d clips" % (100 * errors / max(1, words), len(sample)))
    return errors / max(1, words)

#!/usr/bin/env python3
"""Builds the synthetic + Asterisk English corpus for the default SpeechMoE model.

Reproducible (fixed seeds, every utterance has its own RNG seeded by its index) and resumable
(a WAV that already exists is not synthesized again). Output under build-data/data/:

  wav/train/*.wav, wav/test_syn/*.wav, wav/ast_train/*.wav   16 kHz mono int16
  train.tsv        path<TAB>text   (synthetic train + Asterisk train recordings, augmented)
  test_syn.tsv     held-out voice/variant combos, held-out sentences, clean
  test_ast.tsv     real Asterisk recordings (original 8 kHz files) of held-out prompts
  info.json        counts, hours, voices

Text: Debian package `fortunes` (+ `fortunes-min`), /usr/share/games/fortunes/*.u8, split into
sentences and filtered to [a-z' ]; generated number/date/time/letter phrases; the Asterisk
prompt texts (core-sounds-en.txt of asterisk-core-sounds-en; train-split prompts only).
Voices: espeak-ng English voices x variants (random rate 130..200, pitch 30..70); flite's voices
(random duration stretch and mean pitch); festival's English voices in Debian (random duration
stretch). Some voices are held out entirely for the synthetic test sets (HELD_OUT).
Augmentation (train only): speed 0.9/1.0/1.1, reverberation (synthetic room responses), noise at
5..30 dB SNR, telephone band (8 kHz round trip + 300 Hz high-pass), random gain.

Run: OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/make_data.py [--n-train 7000] [--jobs 2]
Test sets (+ dev split) only, e.g. for measuring a language model (training/lm/README.md):
     ... make_data.py --n-train 16000 --only-test --dev 200 [--out DIR]
     (plans the full run's utterances, synthesizes only test_syn and dev_syn; dev_syn.tsv, dev_ast.tsv)
plan(args) gives every split and prompt without synthesizing (training/lm/ uses it to exclude test prompts).
"""
import argparse
import glob
import gzip
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import wave

import numpy as np
import torch
import torchaudio

torch.set_num_threads(1)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build-data", "data")
FORTUNE_DIR = "/usr/share/games/fortunes"
AST_TXT = "/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz"
AST_WAV = "/usr/share/asterisk/sounds/en_US_f_Allison"
SR = 16000

VOICES = ["en-us", "en", "en-gb-x-rp", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-gbcwmd",
          "en-029", "en-us-nyc"]
VARIANTS = ["", "+m1", "+m2", "+m3", "+m4", "+m5", "+m6", "+m7", "+f1", "+f2", "+f3", "+f4",
            "+klatt", "+klatt2", "+klatt3", "+klatt4", "+Andy", "+annie", "+john", "+linda",
            "+max", "+paul", "+robert", "+steph"]
# held out entirely (never in train): the espeak-ng part of the synthetic test set uses only these combos
HELD_OUT = [("en-us", "+f4"), ("en-gb-x-rp", "+m3"), ("en-gb-scotland", "+klatt2"),
            ("en-029", "+f2"), ("en-gb-x-gbcwmd", "+m6"), ("en-us-nyc", "+annie")]
# flite (package flite) voices with their typical mean pitch in Hz; festival (festival + festvox-kallpc16k,
# festvox-kdlpc16k, festvox-us-slt-hts) voices. The last of each is held out entirely.
FLITE_VOICES = {"kal": 105, "kal16": 105, "rms": 100, "slt": 170, "awb": 110}
FLITE_TRAIN, FLITE_TEST = ["kal", "kal16", "rms", "slt"], "awb"
FESTIVAL_TRAIN, FESTIVAL_TEST = ["kal_diphone", "cmu_us_slt_arctic_hts"], "ked_diphone"
# --extra-voices: SVOX Pico (libttspico-utils) and RHVoice's CMU Arctic voices (rhvoice-english; not alan, the same
# speaker as flite's held-out awb; not evgeniy-eng or lyubov, whose license is non-commercial); clb is held out.
PICO_TRAIN = ["en-US", "en-GB"]
RHVOICE_TRAIN, RHVOICE_TEST = ["bdl", "slt"], "clb"

# ------------------------------------------------------------------------------------------
# text normalisation
# ------------------------------------------------------------------------------------------
ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " \
       "fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
MONTHS = "january february march april may june july august september october november december".split()
ORD = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
       "nine": "ninth", "twelve": "twelfth"}


def num_words(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        return ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " and " + num_words(n % 100))
    if n < 1000000:
        return num_words(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + num_words(n % 1000))
    return " ".join(ONES[int(c)] for c in str(n))


def ordinal(n: int) -> str:
    w = num_words(n).split()
    last = w[-1]
    if last in ORD:
        w[-1] = ORD[last]
    elif last.endswith("y"):
        w[-1] = last[:-1] + "ieth"
    else:
        w[-1] = last + "th"
    return " ".join(w)


def year_words(y: int) -> str:
    if 2000 <= y <= 2009:
        return num_words(y)
    hi, lo = divmod(y, 100)
    return num_words(hi) + " " + ("hundred" if lo == 0 else ("oh " + ONES[lo] if lo < 10 else num_words(lo)))


ABBREV = re.compile(r"\b(mr|mrs|ms|dr|st|jr|sr|vs|etc|inc|ltd|co|no|mt|ft|vol|prof|gen|col|capt|sgt|lt|rev)\.", re.I)


def normalize(s: str, strict: bool = True):
    """-> lower-case [a-z' ] text, or None if the sentence is unsuitable (strict: for TTS input)."""
    s = s.replace("\u2019", "'").replace("`", "'").replace("&", " and ").replace("%", " percent")
    if strict:
        if ABBREV.search(s) or re.search(r"[A-Za-z]\.[A-Za-z]", s) or re.search(r"\b[A-Z]{2,}\b", s):
            return None
        if re.search(r"[^A-Za-z0-9'\s.,;:!?\"()\-]", s):
            return None
        if re.search(r"\d[.,:/]\d", s):
            return None
    s = re.sub(r"\d+", lambda m: " " + num_words(int(m.group())) + " ", s)
    s = s.lower().replace("-", " ")
    s = re.sub(r"[^a-z'\s]", " ", s)
    words = [w.strip("'") for w in s.split()]
    words = [w for w in words if w]
    return " ".join(words) if words else None


def fortune_sentences():
    out = []
    for path in sorted(glob.glob(os.path.join(FORTUNE_DIR, "*.u8"))):
        if os.path.basename(path).startswith(("ascii-art", "art", "translate-me")):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            chunks = f.read().split("\n%\n")
        for ch in chunks:
            if re.search(r"^\s*(--|[A-Z][a-z]+:)", ch, re.M) and len(ch) > 400:
                pass
            body = re.sub(r"\n\s*--.*", "", ch, flags=re.S)          # drop attributions
            body = re.sub(r"\s+", " ", body)
            for sent in re.split(r"(?<=[.!?])\s+", body):
                sent = sent.strip().strip('"')
                if not sent or sent[0].islower():
                    continue
                t = normalize(sent)
                if t is None:
                    continue
                n = len(t.split())
                if 2 <= n <= 10 and len(t) <= 60:
                    out.append(t)
    return sorted(set(out))


def gen_phrase(rng: random.Random) -> str:
    k = rng.randrange(8)
    if k == 0:
        return num_words(rng.randrange(0, 10000))
    if k == 1:
        return " ".join(ONES[rng.randrange(10)] for _ in range(rng.randint(3, 7)))
    if k == 2:
        return "%s %s" % (MONTHS[rng.randrange(12)], ordinal(rng.randint(1, 31)))
    if k == 3:
        return "the %s of %s %s" % (ordinal(rng.randint(1, 31)), MONTHS[rng.randrange(12)],
                                    year_words(rng.randint(1950, 2030)))
    if k == 4:
        h, m = rng.randint(1, 12), rng.choice([0, 5, 10, 15, 20, 30, 45, rng.randint(1, 59)])
        mm = "o'clock" if m == 0 else ("oh " + ONES[m] if m < 10 else num_words(m))
        return "at %s %s" % (num_words(h), mm)
    if k == 5:
        return " ".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 5)))
    if k == 6:
        return "press %s" % num_words(rng.randrange(10))
    return "%s %s" % (num_words(rng.randint(2, 999)), rng.choice(
        ["dollars", "minutes", "seconds", "messages", "calls", "percent", "people", "days"]))


def tts_input(text: str) -> str:
    """Single letters are read by name when upper-cased and spaced."""
    return " ".join(w.upper() if len(w) == 1 and w not in ("a", "i") else w for w in text.split()) \
        if all(len(w) == 1 for w in text.split()) else text


def asterisk_prompts():
    items = []
    with gzip.open(AST_TXT, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith(";") or ":" not in line:
                continue
            name, text = line.split(":", 1)
            name, text = name.strip(), text.strip()
            if not text or "[" in text or "<" in text:
                continue
            wav = os.path.join(AST_WAV, name + ".wav")
            if not os.path.exists(wav):
                continue
            t = normalize(text, strict=False)
            if t:
                items.append((name, wav, t))
    return items


# ------------------------------------------------------------------------------------------
# audio
# ------------------------------------------------------------------------------------------
def read_wav(path):
    with wave.open(path, "rb") as w:
        rate, n, nch = w.getframerate(), w.getnframes(), w.getnchannels()
        x = np.frombuffer(w.readframes(n), dtype="<i2").astype(np.float32) / 32768.0
    return x.reshape(-1, nch)[:, 0], rate


def write_wav(path, x):
    y = np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")
    tmp = path + ".partial"
    with wave.open(tmp, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(y.tobytes())
    os.replace(tmp, path)


def tts(engine, voice, text, r: random.Random, tmpdir):
    """Synthesizes text with one engine and voice, with a random speaking rate and pitch -> (samples, rate)."""
    p = os.path.join(tmpdir, "tts.wav")
    quiet = dict(check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if engine == "espeak":
        rate, pitch = r.randint(130, 200), r.randint(30, 70)
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch), "-w", p, tts_input(text)],
                       **quiet)
    elif engine == "flite":
        stretch, f0 = r.uniform(0.85, 1.25), FLITE_VOICES[voice] * r.uniform(0.85, 1.2)
        subprocess.run(["flite", "-voice", voice, "--setf", "duration_stretch=%.3f" % stretch,
                        "--setf", "int_f0_target_mean=%.1f" % f0, "-t", tts_input(text), "-o", p], **quiet)
    elif engine == "pico":
        # pico2wave has no rate or pitch options; its markup sets both (percent of the voice's own)
        speed, pitch = r.randint(80, 125), r.randint(85, 120)
        subprocess.run(["pico2wave", "-l", voice, "-w", p, "<speed level='%d'><pitch level='%d'>%s</pitch></speed>"
                        % (speed, pitch, tts_input(text))], **quiet)
    elif engine == "rhvoice":
        subprocess.run(["RHVoice-test", "-p", voice, "-r", str(r.randint(80, 130)), "-t", str(r.randint(85, 120)),
                        "-o", p], input=tts_input(text).encode(), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    else:
        stretch = r.uniform(0.85, 1.25)
        subprocess.run(["text2wave", "-eval", "(voice_%s)" % voice,
                        "-eval", "(Parameter.set 'Duration_Stretch %.3f)" % stretch, "-o", p],
                       input=tts_input(text).encode(), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return read_wav(p)


_RS = {}


def resample(x, src, dst):
    """Cached torchaudio Resample kernels (rates are few: 22050, 8000, 14400, 17600 -> 16000)."""
    src, dst = int(round(src)), int(round(dst))
    if src == dst:
        return x
    if (src, dst) not in _RS:
        _RS[(src, dst)] = torchaudio.transforms.Resample(src, dst)
    with torch.no_grad():
        return _RS[(src, dst)](torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))).numpy()


def trim(x, thr=1e-3, pad=1600):
    idx = np.nonzero(np.abs(x) > thr)[0]
    if len(idx) == 0:
        return x
    return x[max(0, idx[0] - pad): idx[-1] + pad]


def room_response(rng: random.Random):
    """A synthetic room impulse response: direct path + exponentially decaying noise, RT60 0.15..0.7 s."""
    rt60 = rng.uniform(0.15, 0.7)
    n = int(SR * rt60)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    t = np.arange(n) / SR
    h = nrng.standard_normal(n).astype(np.float32) * np.exp(-6.9 * t / rt60).astype(np.float32)
    h[: int(0.002 * SR)] = 0.0                                  # early reflections start after 2 ms
    h *= rng.uniform(0.2, 0.6) / (np.sqrt(np.sum(h ** 2)) + 1e-9)
    h[0] = 1.0
    return h


def augment(x, rng: random.Random):
    """x: 16 kHz float. reverberation / telephone band / noise / gain (speed is applied at resampling)."""
    if rng.random() < 0.25:                                    # reverberation
        h = room_response(rng)
        n = len(x) + len(h) - 1
        x = np.fft.irfft(np.fft.rfft(x, n) * np.fft.rfft(h, n), n)[: len(x)].astype(np.float32)
    if rng.random() < 0.3:                                     # telephone band
        x = resample(resample(x, SR, 8000), 8000, SR)
        x = torchaudio.functional.highpass_biquad(torch.from_numpy(x), SR, 300.0).numpy()
    if rng.random() < 0.5:                                     # additive noise
        snr = rng.choice([5, 10, 15, 20, 30])
        nrng = np.random.default_rng(rng.randrange(1 << 30))
        noise = nrng.standard_normal(len(x)).astype(np.float32)
        if rng.random() < 0.5:                                 # brown-ish / low-passed noise
            noise = np.cumsum(noise)
            noise -= np.convolve(noise, np.ones(64) / 64, mode="same")
        px = float(np.mean(x ** 2)) + 1e-10
        pn = float(np.mean(noise ** 2)) + 1e-10
        x = x + noise * np.sqrt(px / pn / (10 ** (snr / 10)))
    peak = float(np.max(np.abs(x))) + 1e-9
    return (x / peak * rng.uniform(0.2, 0.95)).astype(np.float32)


def synth(task):
    """One synthetic utterance (skipped when its WAV exists): TTS, trim, resample, speed, augmentation."""
    path, text, engine, voice, augment_it, seed = task
    if os.path.exists(path):
        return path
    r = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmpdir:
        x, sr = tts(engine, voice, text, r, tmpdir)
    speed = r.choice([0.9, 1.0, 1.1]) if augment_it else 1.0
    x = resample(trim(x), sr, SR)
    x = resample(x, SR * speed, SR)             # speed perturbation (tempo and pitch)
    x = augment(x, r) if augment_it else (x / (np.max(np.abs(x)) + 1e-9) * 0.8).astype(np.float32)
    write_wav(path, x)
    return path


def duration(path):
    with wave.open(path, "rb") as w:
        return w.getnframes() / w.getframerate()


# ------------------------------------------------------------------------------------------
TRAIN_COMBOS = [(v, var) for v in VOICES for var in VARIANTS if (v, var) not in HELD_OUT]


def train_voice(r, extra=False):
    """A training voice (never a held-out one): espeak-ng 70 %, flite 15 %, festival 15 %; with the extra voices
    espeak-ng 48 %, flite 13 %, festival 13 %, Pico 13 %, RHVoice 13 %."""
    u = r.random()
    if extra:
        if u < 0.48:
            return ("espeak",) + ("".join(r.choice(TRAIN_COMBOS)),)
        if u < 0.61:
            return "flite", r.choice(FLITE_TRAIN)
        if u < 0.74:
            return "festival", r.choice(FESTIVAL_TRAIN)
        if u < 0.87:
            return "pico", r.choice(PICO_TRAIN)
        return "rhvoice", r.choice(RHVOICE_TRAIN)
    if u < 0.70:
        return ("espeak",) + ("".join(r.choice(TRAIN_COMBOS)),)
    if u < 0.85:
        return "flite", r.choice(FLITE_TRAIN)
    return "festival", r.choice(FESTIVAL_TRAIN)


def parser():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-train", type=int, default=7000)
    ap.add_argument("--n-test", type=int, default=300, help="espeak-ng test utterances (held-out combos)")
    ap.add_argument("--n-test-other", type=int, default=60, help="test utterances of each held-out flite/festival voice")
    ap.add_argument("--jobs", type=int, default=2, help="synthesis processes")
    ap.add_argument("--ast-copies", type=int, default=3, help="augmented copies of each Asterisk train recording")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--train-limit", type=int, default=0,
                    help="synthesize and list only the first this many planned training utterances (the plan, and "
                         "so the test and dev sets, stay those of --n-train)")
    ap.add_argument("--extra-voices", action="store_true",
                    help="also SVOX Pico and RHVoice voices in training, and a held-out RHVoice test set")
    ap.add_argument("--out", default=OUT, help="output folder (default build-data/data of the repository)")
    ap.add_argument("--only-test", action="store_true",
                    help="plan everything as usual but synthesize and write only the test sets (and --dev): "
                         "no train WAVs, no train.tsv, no info.json; with the same --n-train/--seed the test "
                         "(and dev) data are those of the full run")
    ap.add_argument("--dev", type=int, default=0,
                    help="also write a dev split: dev_syn.tsv (this many clean utterances, training voices, "
                         "fortune sentences of the train side that no train utterance of --n-train uses) and "
                         "dev_ast.tsv (the original recordings of the Asterisk train prompts)")
    return ap


def plan(args, out=None):
    """Every utterance of the corpus, without synthesizing anything: the text splits, the synthesis tasks
    (path, text, engine, voice, augment, seed) and the manifest rows. Deterministic for given arguments."""
    out = out or args.out
    rng = random.Random(args.seed)

    # ---- Asterisk prompts: split by prompt text (never the same text on both sides)
    ast = asterisk_prompts()
    texts = sorted(set(t for _, _, t in ast))
    rng.shuffle(texts)
    n_test_txt = len(texts) // 5
    ast_test_texts = set(texts[:n_test_txt])
    ast_train = [a for a in ast if a[2] not in ast_test_texts and duration(a[1]) <= 10.0]
    ast_test = [a for a in ast if a[2] in ast_test_texts]

    # ---- sentences: train/test split by sentence
    sents = fortune_sentences()
    rng.shuffle(sents)
    sents = [s for s in sents if s not in ast_test_texts]
    test_sents, train_sents = sents[:args.n_test], sents[args.n_test:]
    ast_train_texts = sorted(set(t for _, _, t in ast_train))

    train_tasks, rows_train, test_tasks, rows_syn = [], [], [], {"espeak": [], "flite": [], "festival": []}
    if args.extra_voices:
        rows_syn["rhvoice"] = []
    for i in range(args.n_train):
        r = random.Random(args.seed * 1000003 + i)
        u = r.random()
        if u < 0.72:
            text = r.choice(train_sents)
        elif u < 0.90:
            text = gen_phrase(r)
        else:
            text = r.choice(ast_train_texts)
        engine, voice = train_voice(r, args.extra_voices)
        train_tasks.append((os.path.join(out, "wav", "train", "train_%05d.wav" % i), text, engine, voice, True,
                            r.randrange(1 << 30)))
        rows_train.append((train_tasks[-1][0], text))
    # synthetic test: held-out voices x held-out sentences (+ a few phrases), clean
    held_out = ([("espeak", "".join(HELD_OUT[i % len(HELD_OUT)])) for i in range(args.n_test)]
                + [("flite", FLITE_TEST)] * args.n_test_other + [("festival", FESTIVAL_TEST)] * args.n_test_other
                + ([("rhvoice", RHVOICE_TEST)] * args.n_test_other if args.extra_voices else []))
    for i, (engine, voice) in enumerate(held_out):
        r = random.Random(args.seed * 7919 + i)
        text = test_sents[i % len(test_sents)] if r.random() < 0.85 else gen_phrase(r)
        test_tasks.append((os.path.join(out, "wav", "test_syn", "test_syn_%05d.wav" % i), text, engine, voice,
                           False, r.randrange(1 << 30)))
        rows_syn[engine].append((test_tasks[-1][0], text))
    test_texts = set(test_sents) | set(t for rows in rows_syn.values() for _, t in rows) | ast_test_texts

    # dev (optional): training voices, clean audio, fortune sentences of the train side that no train utterance
    # uses (so unseen by the acoustic model, like the test sentences) + 15 % generated phrases; never a test text
    dev_tasks, rows_dev = [], []
    if getattr(args, "dev", 0):
        used = set(t for _, t in rows_train)
        pool = [s for s in train_sents if s not in used and s not in test_texts]
        random.Random(args.seed * 104729).shuffle(pool)
        for i in range(args.dev):
            r = random.Random(args.seed * 7927 + i)
            text = pool.pop() if r.random() < 0.85 else gen_phrase(r)
            while text in test_texts or text in used:
                text = gen_phrase(r)
            engine, voice = train_voice(r, args.extra_voices)
            dev_tasks.append((os.path.join(out, "wav", "dev_syn", "dev_syn_%05d.wav" % i), text, engine, voice,
                              False, r.randrange(1 << 30)))
            rows_dev.append((dev_tasks[-1][0], text))
    return argparse.Namespace(ast_train=ast_train, ast_test=ast_test, ast_test_texts=ast_test_texts, sents=sents,
                              train_sents=train_sents, test_sents=test_sents, test_texts=test_texts,
                              train_tasks=train_tasks, rows_train=rows_train, test_tasks=test_tasks,
                              rows_syn=rows_syn, dev_tasks=dev_tasks, rows_dev=rows_dev,
                              rows_dev_ast=[(w, t) for _, w, t in ast_train])


def main():
    args = parser().parse_args()
    out = args.out
    t0 = time.time()
    for d in ("train", "test_syn", "ast_train") + (("dev_syn",) if args.dev else ()):
        os.makedirs(os.path.join(out, "wav", d), exist_ok=True)
    p = plan(args, out)
    ast_train, ast_test, rows_train, rows_syn = p.ast_train, p.ast_test, p.rows_train, p.rows_syn
    if args.train_limit:
        p.train_tasks, p.rows_train = p.train_tasks[:args.train_limit], p.rows_train[:args.train_limit]
    rows_train = p.rows_train
    tasks = ([] if args.only_test else p.train_tasks) + p.test_tasks + p.dev_tasks
    with multiprocessing.Pool(args.jobs) as pool:
        for k, _ in enumerate(pool.imap_unordered(synth, tasks, chunksize=8)):
            if k % 500 == 0:
                print("synthesized %d/%d  %.0fs" % (k, len(tasks), time.time() - t0), flush=True)

    def dump(fn, rows):
        with open(os.path.join(out, fn), "w", encoding="utf-8") as f:
            for path, t in rows:
                f.write("%s\t%s\n" % (path, t))

    dump("test_syn.tsv", rows_syn["espeak"] + rows_syn["flite"] + rows_syn["festival"])
    for engine, rows in rows_syn.items():
        dump("test_syn_%s.tsv" % engine, rows)
    dump("test_ast.tsv", [(w, t) for _, w, t in ast_test])
    if args.dev:
        dump("dev_syn.tsv", p.rows_dev)
        dump("dev_ast.tsv", p.rows_dev_ast)
    if args.only_test:
        print("test sets%s written to %s (%.0fs)" % (" and dev" if args.dev else "", out, time.time() - t0))
        return

    # Asterisk train recordings: original + augmented copies, resampled to 16 kHz
    rows_ast, k = [], 0
    for name, wav, text in ast_train:
        for c in range(args.ast_copies):
            path = os.path.join(out, "wav", "ast_train", "ast_%05d.wav" % k)
            k += 1
            if not os.path.exists(path):
                r = random.Random(args.seed * 31 + k)
                x, sr = read_wav(wav)
                speed = 1.0 if c == 0 else r.choice([0.9, 1.1])
                x = resample(resample(x, sr, SR), SR * speed, SR)
                x = augment(x, r) if c > 0 else x
                write_wav(path, x)
            rows_ast.append((path, text))

    dump("train.tsv", rows_train + rows_ast)
    hours = lambda rows: sum(duration(path) for path, _ in rows) / 3600.0
    info = {
        "text_source": "Debian fortunes + fortunes-min (/usr/share/games/fortunes/*.u8), %d usable sentences "
                       "(%d train, %d test)" % (len(p.sents), len(p.train_sents), len(p.test_sents)),
        "espeak_voices": VOICES, "espeak_variants": VARIANTS, "held_out_espeak": ["%s%s" % c for c in HELD_OUT],
        "flite_train": FLITE_TRAIN, "festival_train": FESTIVAL_TRAIN,
        "held_out_flite": FLITE_TEST, "held_out_festival": FESTIVAL_TEST,
        "n_train_synthetic": len(rows_train), "hours_train_synthetic": round(hours(rows_train), 3),
        "n_train_asterisk": len(rows_ast), "n_asterisk_train_prompts": len(ast_train),
        "hours_train_asterisk": round(hours(rows_ast), 3),
        "n_test_syn": {e: len(rows) for e, rows in rows_syn.items()},
        "hours_test_syn": round(sum(hours(rows) for rows in rows_syn.values()), 3),
        "n_test_asterisk": len(ast_test), "hours_test_asterisk": round(sum(duration(w) for _, w, _ in ast_test) / 3600, 3),
        "seconds": round(time.time() - t0, 1),
    }
    with open(os.path.join(out, "info.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()

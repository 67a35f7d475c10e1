#!/usr/bin/env python3
"""Drascula: The Vampire Strikes Back (Debian package `drascula`): the English voice acting, each clip with the
subtitle line the game shows for it, by character.

License: the Drascula license of Alcachofa Soft S.L. (/usr/share/doc/drascula/copyright): free to use, modify and
redistribute, also as part of a larger commercial distribution, with the readme and copyright notices kept; no fee for
the game itself; modified versions must say so. BSD-like; Debian ships it in main.

The speech is /usr/share/scummvm/drascula/en/*.ALS: raw unsigned 8-bit mono 11,025 Hz. ScummVM's player skips the
first 32 bytes of a clip and leaves off its last 32 (header and trailer, silence in these files); for the English
3.ALS, which carries long silences, it plays only bytes 73959-117158. The lines are the English block of
`drascula.dat` (ScummVM's engine data): after a run of fixed-size tables come fifteen text arrays, each as a count
and, per language, a length-prefixed block of strings in which every string's padded slot ends with the length of
the next slot. The engine's talk functions pick the clip `<PREFIX><n>.ALS` for line n of one array: no prefix is the
hero John Hacker (`_text`), B the drunk, BJ B.J., E the skeleton in the dungeon, I Igor, L the werewolf, P the
pianist, T the bartender, VB Von Braun, and D the `_textd` array, which several characters share: lines 1-39 are
Count Drascula, 56-67 are the hero talking to the blind man (talk_hacker; 56 is never played but is the greeting of
that scene), 68-78 the blind man (talk_blind), 82 the bartender (talk_bartender's special case). In conversations
the menu (OP_*.CAL) shows a shortened option while the hero's clip says the full line of `_text`, which is the one
taken here (the clips' durations fit the full lines). Skipped: D83 (a
muffled "bla, bla, bla" from inside a trunk), B61/B62 (no line), F* (never played by the engine), S* (sound
effects), 144 (sung), every clip whose line is empty, and the few whose line is far too long for the clip (the
recording stops after the first words; see drop_hurried).

Run: SPEECHMOE_BUILD=/work/build-data OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/corpora/drascula.py
     [--spot-check N] [--rates]
"""
import argparse
import collections
import glob
import os
import re
import struct
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

NAME = "drascula"
GAME = "/usr/share/scummvm/drascula/en"
RATE = 11025
HEAD = TAIL = 32
# the engine's workaround for the English 3.ALS (its size identifies it): play only this byte range
SILENT_EDGES = {("3.ALS", 145166): (73959, 117158)}

TEXT_ARRAYS = ["text", "textd", "textb", "textbj", "texte", "texti", "textl", "textp", "textt", "textvb",
               "textsys", "texthis", "textverbs", "textmisc", "textd1"]
# byte size of one entry of each fixed table that precedes the texts in drascula.dat (version 6), in file order
TABLE_ENTRY_SIZES = [4, 4, 4, 2, 4, 2, 4, 2, 2, 20, 20, 10, 8]
ENGLISH = 0
# the hero sings "If I were a rich man" in this one
SUNG = {"144"}
# twice a normal speaking pace: a line read faster than this is not all in its clip
MAX_RATE_OVER_MEDIAN = 2.0

PREFIXES = {"": ("text", "hero"), "B": ("textb", "drunk"), "BJ": ("textbj", "bj"), "E": ("texte", "skeleton"),
            "I": ("texti", "igor"), "L": ("textl", "werewolf"), "P": ("textp", "pianist"),
            "T": ("textt", "bartender"), "VB": ("textvb", "vonbraun")}
# who speaks line n of the shared `_textd` array (D clips); lines outside these ranges are skipped
D_SPEAKERS = [(range(1, 40), "drascula"), (range(56, 68), "hero"), (range(68, 79), "blind"),
              (range(82, 83), "bartender")]

# Held out of training (whole characters), chosen by a rule fixed before any recognition result was seen: rank the
# characters other than the hero (who speaks most) by audio time in this manifest and hold out the 2nd, 4th and 6th.
# summarize() prints the ranking and the held-out share, so a change of data that moves the ranking shows.
TEST_SPEAKERS = ["drascula-drascula", "drascula-werewolf", "drascula-bartender"]


def load_texts(path):
    """drascula.dat -> {array name: [line, ...]} of the English lines (index 0 is an empty line, as in the engine)."""
    data = open(path, "rb").read()
    if data[:8] != b"DRASCULA" or data[8] != 6:
        raise SystemExit("%s: not a version 6 drascula.dat" % path)
    pos = 9

    def u16():
        nonlocal pos
        pos += 2
        return struct.unpack(">H", data[pos - 2:pos])[0]

    for size in TABLE_ENTRY_SIZES:
        entries = u16()
        pos += entries * size
    languages = u16()
    arrays = {}
    for name in TEXT_ARRAYS:
        count = u16()
        for lang in range(languages):
            length = u16()
            block = data[pos:pos + length]
            pos += length
            if lang == ENGLISH:
                arrays[name] = block_lines(block, count)
    return arrays


def block_lines(block, count):
    starts, slot = [0], 4
    for _ in range(1, count):
        slot += struct.unpack(">H", block[slot - 2:slot])[0]
        starts.append(slot)
    return [decode(block[start:block.index(b"\0", start)]) for start in starts]


def decode(raw):
    # the game's font is code page 437; accents are dropped (TOUPE\x90 is "toupé")
    s = unicodedata.normalize("NFKD", raw.decode("cp437"))
    return "".join(c for c in s if not unicodedata.combining(c))


def clip_line(stem):
    """A clip's stem -> (text array, line index, character) by the engine's naming, or None when it is not mapped."""
    m = re.fullmatch(r"([A-Z]*)(\d+)", stem)
    if not m:
        return None
    prefix, n = m.group(1), int(m.group(2))
    if prefix == "D":
        for lines, speaker in D_SPEAKERS:
            if n in lines:
                return "textd", n, speaker
        return None
    if prefix in PREFIXES:
        array, speaker = PREFIXES[prefix]
        return array, n, speaker
    return None


def pcm(path):
    raw = open(path, "rb").read()
    edges = SILENT_EDGES.get((os.path.basename(path), len(raw)))
    if edges:
        return raw[edges[0]:edges[1]]
    return raw[HEAD:len(raw) - TAIL]


def extract():
    texts = load_texts(os.path.join(GAME, "drascula.dat"))
    out = os.path.join(common.corpus_dir(NAME), "wav")
    rows, decoded, skipped = [], 0, collections.Counter()
    for src in sorted(glob.glob(os.path.join(GAME, "*.ALS"))):
        stem = os.path.basename(src)[:-4]
        mapped = clip_line(stem)
        if stem in SUNG:
            skipped["sung"] += 1
            continue
        if mapped is None:
            skipped["no line by the engine's rules"] += 1
            continue
        array, n, character = mapped
        line = texts[array][n] if n < len(texts[array]) else ""
        text = spoken_text(line)
        if not text:
            skipped["empty line"] += 1
            continue
        dst = os.path.join(out, stem + ".wav")
        if os.path.exists(dst):
            seconds = common.wav_seconds(dst)
        else:
            seconds = common.to_wav(dst, ["-f", "u8", "-ar", str(RATE), "-ac", "1", "-i", "pipe:"], pcm(src))
            decoded += 1
        rows.append((dst, text, NAME + "-" + character, seconds))
    rows, hurried = drop_hurried(rows)
    skipped["with more text than the audio has time for (%s)" % " ".join(hurried)] = len(hurried)
    print("%s: %d decoded now, %d already there; skipped: %s" % (
        NAME, decoded, len(rows) - decoded, ", ".join("%d %s" % (v, k) for k, v in sorted(skipped.items()))))
    common.write_manifest(NAME, rows)
    summarize(rows)
    return rows


def spoken_text(line):
    """A subtitle line -> its normalized words; the subtitles spell drawn-out sounds with a run of letters (NOOO,
    YOUUU, OOOOKAY), which the voice says as one held sound, so a run of three or more becomes one letter."""
    text = common.normalize_text(line) if line else None
    return re.sub(r"([a-z])\1{2,}", r"\1", text) if text else None


def drop_hurried(rows):
    """Leaves out clips whose line has more than MAX_RATE_OVER_MEDIAN times the corpus's median letters per second:
    the recording says only the start of such a line (the rest of the subtitle is not in the audio)."""
    def rate(row):
        return len(row[1].replace(" ", "")) / max(row[3], 1e-3)
    limit = MAX_RATE_OVER_MEDIAN * sorted(rate(r) for r in rows)[len(rows) // 2]
    kept = [r for r in rows if rate(r) <= limit]
    return kept, sorted(os.path.basename(r[0])[:-4] for r in rows if rate(r) > limit)


def summarize(rows):
    total = sum(r[3] for r in rows)
    by_speaker = collections.Counter()
    clips = collections.Counter()
    for _, _, speaker, seconds in rows:
        by_speaker[speaker] += seconds
        clips[speaker] += 1
    for speaker, seconds in by_speaker.most_common():
        print("  %-20s %4d clips %6.1f min %5.1f %%%s" % (speaker, clips[speaker], seconds / 60,
                                                        100 * seconds / total,
                                                        "  held out" if speaker in TEST_SPEAKERS else ""))
    others = [s for s, _ in by_speaker.most_common() if s != NAME + "-hero"]
    by_rule = others[1:6:2]
    if sorted(by_rule) != sorted(TEST_SPEAKERS):
        print("warning: the held-out rule now picks %s, TEST_SPEAKERS lists %s" % (by_rule, TEST_SPEAKERS))
    held = sum(by_speaker[s] for s in TEST_SPEAKERS)
    print("held out: %s, %.1f min, %.1f %% of the audio" % (", ".join(TEST_SPEAKERS), held / 60, 100 * held / total))


def rates(rows):
    """Words per second of every clip, slowest and fastest first: a clip far outside 1-5 words/s is suspect."""
    by_rate = sorted((len(text.split()) / max(seconds, 1e-3), os.path.basename(path), seconds, text)
                     for path, text, _, seconds in rows)
    for rate, name, seconds, text in by_rate[:8] + by_rate[-8:]:
        print("  %5.2f words/s %-10s %5.2f s  %s" % (rate, name, seconds, text[:80]))
    mid = by_rate[len(by_rate) // 2][0]
    print("median %.2f words/s over %d clips" % (mid, len(by_rate)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spot-check", type=int, default=0, metavar="N",
                    help="pocketsphinx WER on N random clips after extracting")
    ap.add_argument("--rates", action="store_true", help="list the slowest and fastest clips in words per second")
    ap.add_argument("--control", action="store_true",
                    help="with --spot-check: the same clips again, each scored against its neighbour's line")
    args = ap.parse_args()
    rows = sorted(extract())
    if args.rates:
        rates(rows)
    if args.spot_check:
        common.spot_check(rows, args.spot_check)
        if args.control:
            # the WER a wrong mapping scores on these same clips: the baseline the mapping's WER must beat clearly
            print("control: every clip against the line of the clip after it")
            shifted = [(path, rows[(i + 1) % len(rows)][1], speaker, seconds)
                       for i, (path, _, speaker, seconds) in enumerate(rows)]
            common.spot_check(shifted, args.spot_check)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The Asterisk prompts (one real speaker, Allison Smith) in 16 kHz wideband, from Debian's
`asterisk-core-sounds-en-g722`, instead of the 8 kHz telephone WAVs that training/make_data.py reads.

License: CC-BY-SA-3.0 (recorded by Allison Smith; /usr/share/doc/asterisk-core-sounds-en-g722/copyright).

Each `NAME.g722` (raw G.722, 16 kHz) is decoded with ffmpeg. The texts and prompt names are make_data.py's
asterisk_prompts() (core-sounds-en.txt of `asterisk-core-sounds-en`), so a prompt has the same normalized text here as
in the 8 kHz set; the held-out split is by prompt text, as make_data.plan() does (ast_test_texts), and happens when
the manifests are combined: this manifest lists every prompt. A prompt `dir/name` becomes `wav/dir__name.wav`.

Run: SPEECHMOE_BUILD=/work/build-data OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/corpora/asterisk16k.py
     [--spot-check N]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import runner  # noqa: E402
from make_data import asterisk_prompts  # noqa: E402  (common puts training/ on the path)

NAME = "asterisk16k"
SPEAKER = "allison"
# one speaker: the held-out Asterisk set is a set of prompt texts, not a speaker
TEST_SPEAKERS = []


def g722_path(wav8k):
    return os.path.splitext(wav8k)[0] + ".g722"


def extract():
    out = os.path.join(common.corpus_dir(NAME), "wav")
    rows, decoded, missing = [], 0, 0
    for name, wav8k, text in asterisk_prompts():
        src = g722_path(wav8k)
        if not os.path.exists(src):
            missing += 1
            continue
        dst = os.path.join(out, name.replace("/", "__") + ".wav")
        if os.path.exists(dst):
            seconds = common.wav_seconds(dst)
        else:
            seconds = common.to_wav(dst, ["-f", "g722", "-i", src])
            decoded += 1
        rows.append((dst, text, SPEAKER, seconds))
    print("%s: %d decoded now, %d already there, %d prompts without a .g722" % (
        NAME, decoded, len(rows) - decoded, missing))
    common.write_manifest(NAME, rows)
    return rows


if __name__ == "__main__":
    runner.run(__doc__, extract)

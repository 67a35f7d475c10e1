#!/usr/bin/env python3
"""Short English recordings of letters, words and stamp descriptions from three children's programs in Debian:
`klettres-data` (letters and syllables), `ktuberling-data` (the names of the Potato Guy's pieces) and
`tuxpaint-stamps-default` (spoken stamp descriptions, digits and letters).

Licenses: klettres-data GPL-2+, ktuberling-data GPL-2+, tuxpaint-stamps-default GPL-2
(/usr/share/doc/<package>/copyright).

Texts come from the programs' own files, English only:
- KLettres: `/usr/share/klettres/{en,en_GB}/sounds.xml` names each sound (`<sound name="B" file="en/alpha/B.ogg">`);
  letters are written as the letter (the training texts spell letters as single characters). Syllables without a
  vowel letter ("CH", "TH") are the consonant sounds, not words, and are skipped.
- KTuberling: `/usr/share/ktuberling/sounds/en.soundtheme` names each sound after its piece, with the playground as a
  prefix (`egypt_camel`); the text is the name without the prefix. `ufo` (spelled out or said as a word?) is
  skipped.
- Tux Paint: a stamp `X` has its description as the first line of `X.txt` and, for some stamps, the description
  spoken in English as `X_desc.ogg` (other languages: `X_desc_<lang>.ogg`). `X.ogg` is the stamp's sound effect
  (an animal's call, a bell), not speech, except where the program also ships it per language (`X_<lang>.ogg`): then
  it is the stamp's name said in the default English (the digits, whose `X.txt` is the word). `X_en_GB.ogg` is the
  British English name (digits, and letters whose `X.txt` says "The letter a."); one clip per distinct recording
  (the letter stamps share them between upper and lower case, filled and outlined).
The English description clips say the name without the article of the text ("A frog." is said "frog"): decoded
with a grammar of just the two readings (and no word insertion penalty), pocketsphinx prefers the bare name on 49 of
62 clips, while the same test keeps the "a" in 11 of 11 Asterisk prompts that have one; so the leading "a"/"an" is
dropped. A few descriptions were rewritten after they were recorded; those found (STALE_DESCRIPTIONS) are skipped.
In every text, the joined or misspelled names of SPOKEN_AS ("palmtree", "mountaingoat") are written as words.
Speakers: one label per package and English variant (klettres-en, klettres-en_GB, ktuberling-en, tuxpaint-en,
tuxpaint-en_GB): the files do not say who recorded them.

Run: SPEECHMOE_BUILD=/work/build-data OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/corpora/words.py
     [--spot-check N]
"""
import hashlib
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import runner  # noqa: E402

NAME = "words"
KLETTRES = "/usr/share/klettres"
KTUBERLING = "/usr/share/ktuberling/sounds"
TUXPAINT = "/usr/share/tuxpaint/stamps"
SPOKEN_AS = {"palmtree": "palm tree", "fallingstar": "falling star", "brocolli": "broccoli", "sphynx": "sphinx",
             "mountaingoat": "mountain goat"}
UNKNOWN_SPOKEN_FORM = {"ufo"}
LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Za-z]{2})?")
# Spoken descriptions older than today's text: pocketsphinx's phone decoder hears "a hen", "kangaroo" and "nandu"
# where the .txt says "A brown hen.", "A red kangaroo." and "A rhea.".
STALE_DESCRIPTIONS = {"hen_desc.ogg", "kangaroo_desc.ogg", "nandou_desc.ogg"}
# Whole speakers held out of training, chosen before any recognition result by this rule: rank the speakers by audio
# time and hold out the third (the two largest, the KLettres alphabets and syllables, stay in training; the third
# is the one nearest to a fifth of the audio); the summary says where the list no longer follows it.
HELD_OUT_RANKS = (3,)
TEST_SPEAKERS = ["ktuberling-en"]


def klettres_clips():
    for variant in ("en", "en_GB"):
        root = ET.parse(os.path.join(KLETTRES, variant, "sounds.xml")).getroot()
        for kind in ("alphabet", "syllables"):
            for sound in root.iter(kind):
                for s in sound.iter("sound"):
                    name = s.get("name")
                    if kind == "syllables" and not re.search(r"[AEIOUY]", name.upper()):
                        continue
                    yield os.path.join(KLETTRES, s.get("file")), name, "klettres-" + variant


def ktuberling_clips():
    root = ET.fromstring("<theme>%s</theme>" % open(os.path.join(KTUBERLING, "en.soundtheme"),
                                                   encoding="utf-8").read())
    for s in root.iter("sound"):
        word = s.get("name").split("_")[-1]
        if word not in UNKNOWN_SPOKEN_FORM:
            yield os.path.join(KTUBERLING, s.get("file")), word, "ktuberling-en"


def stamp_description(stamp):
    with open(stamp + ".txt", encoding="utf-8", errors="replace") as f:
        return f.readline().strip()


def per_language_sounds(stem, names):
    """The languages `L` of a stamp's `stem_L.ogg` (a file that is not itself another stamp's, like `apple_red`)."""
    langs = set()
    for g in names:
        lang = g[len(stem) + 1:-len(".ogg")]
        if g.startswith(stem + "_") and g.endswith(".ogg") and LANGUAGE.fullmatch(lang) and \
                g[:-len(".ogg")] + ".txt" not in names:
            langs.add(lang)
    return langs


def tuxpaint_clips():
    seen = set()
    for folder, _, files in sorted(os.walk(TUXPAINT)):
        names = set(files)
        for stem in sorted(f[:-len(".txt")] for f in files if f.endswith(".txt")):
            text = stamp_description(os.path.join(folder, stem))
            name = re.sub(r"^The letter (\w)\.?$", r"\1", text)
            spoken_description = re.sub(r"(?i)^an? ", "", text)
            clips = [(stem + "_desc.ogg", spoken_description, "tuxpaint-en"),
                     (stem + "_en_GB.ogg", name, "tuxpaint-en_GB")]
            if per_language_sounds(stem, names):
                clips.append((stem + ".ogg", name, "tuxpaint-en"))
            for f, clip_text, speaker in clips:
                if f not in names or f in STALE_DESCRIPTIONS:
                    continue
                digest = hashlib.sha1(open(os.path.join(folder, f), "rb").read()).hexdigest()
                if digest not in seen:
                    seen.add(digest)
                    yield os.path.join(folder, f), clip_text, speaker


def held_out_by_rule(rows):
    ranked = runner.speakers_by_time(rows)
    return [ranked[r - 1] for r in HELD_OUT_RANKS if r <= len(ranked)]


def extract():
    out = os.path.join(common.corpus_dir(NAME), "wav")
    rows, decoded, skipped = [], 0, 0
    for clips in (klettres_clips(), ktuberling_clips(), tuxpaint_clips()):
        for src, raw, speaker in clips:
            text = common.normalize_text(" ".join(SPOKEN_AS.get(w, w) for w in raw.lower().split()))
            if not text:
                skipped += 1
                continue
            rel = os.path.relpath(src, "/usr/share")
            dst = os.path.join(out, os.path.splitext(rel)[0].replace("/", "__") + ".wav")
            if os.path.exists(dst):
                seconds = common.wav_seconds(dst)
            else:
                seconds = common.to_wav(dst, ["-i", src])
                decoded += 1
            rows.append((dst, text, speaker, seconds))
    print("%s: %d decoded now, %d already there, %d without text" % (NAME, decoded, len(rows) - decoded, skipped))
    common.write_manifest(NAME, rows)
    runner.print_speakers(rows, TEST_SPEAKERS, held_out_by_rule(rows))
    return rows


if __name__ == "__main__":
    runner.run(__doc__, extract)

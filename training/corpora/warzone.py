#!/usr/bin/env python3
"""The English voice clips of Warzone 2100 (Debian `warzone2100-data`), with the texts that the game's own data
files give for them.

License: GPL-2+ (Warzone 2100, 1999-2004 Eidos Interactive, 2005- Warzone 2100 Project;
/usr/share/doc/warzone2100-data/copyright).

`base.wz` is a zip of Ogg Vorbis clips (11,025 Hz mono). A clip is kept only where its text can be recovered from
the game's files; everything else (countdowns, NEXUS and taunt lines, whose files are named but not transcribed,
weapon and vehicle sounds) is skipped:
- `audio/audio.cfg` lists every sound with a comment that, for the status voices, is the line that is spoken
  (`audio "pcv343.ogg" ... /*Power Low*/`). Only clips in the voice folders are taken (memressp, extra, trnsppil,
  vtoltalk, coltive): the weapon sounds have comments too ("Rotary Laser") but are not speech. Where a file name
  stands in two folders (the same line encoded twice), the first in path order is kept.
- `script/tutorial.js` gives each tutorial clip (`tutN.ogg`) the subtitle shown with it.
- `audio/proxmessages/c1prox.fodt`, the script of the campaign 1 proximity messages, gives `c1proxN.ogg`'s line.
Lines with an acronym whose spoken form the files do not tell (LZ: "L Z" or "landing zone"?, VTOL, SAM) or with a
parenthesis ("unit(s)") are skipped, and so are clips whose text would be spoken at over MAX_WORDS_PER_SECOND (the
subtitle then runs over the next clip too).

Speakers are labelled by the folder a clip comes from (one voice per folder; the three VTOL pilots by the digit
that ends their file names).

Run: SPEECHMOE_BUILD=/work/build-data OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/corpora/warzone.py
     [--spot-check N]
"""
import collections
import os
import posixpath
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import runner  # noqa: E402

NAME = "warzone"
BASE_WZ = "/usr/share/games/warzone2100/base.wz"
# folder of a clip in base.wz -> speaker (the first matching prefix)
VOICE_FOLDERS = [
    ("audio/memressp/cmndrvoc/", "warzone-commander"),
    ("audio/memressp/", "warzone-status"),
    ("audio/extra/", "warzone-status"),
    ("audio/trnsppil/", "warzone-transport-pilot"),
    ("audio/vtoltalk/", "warzone-vtol-pilot"),
    ("audio/coltive/", "warzone-collective"),
    ("audio/tutorial/", "warzone-tutorial"),
    ("audio/proxmessages/", "warzone-proximity"),
]
UNKNOWN_SPOKEN_FORM = re.compile(r"\b(LZ|VTOLs?|SAM)\b|[()]")
# A text spoken faster than this is longer than its clip: some tutorial subtitles also sum up the next clip, whose own
# message is undefined (tut5's second sentence paraphrases what tut6 says).
MAX_WORDS_PER_SECOND = 5.0
# Whole speakers held out of training, chosen before any recognition result by this rule: rank the speakers by audio
# time and hold out all but the first two (the status voice and the tutorial narrator, who speak most of the lines);
# held_out_by_rule() applies it to a manifest and the summary says where the list below no longer follows it.
KEPT_TOP_SPEAKERS = 2
TEST_SPEAKERS = ["warzone-collective", "warzone-commander", "warzone-proximity", "warzone-transport-pilot",
                 "warzone-vtol-pilot1", "warzone-vtol-pilot2", "warzone-vtol-pilot3"]


def speaker_of(path):
    for prefix, speaker in VOICE_FOLDERS:
        if path.startswith(prefix):
            if speaker == "warzone-vtol-pilot":
                return speaker + re.search(r"(\d)\.ogg$", path).group(1)
            return speaker
    return None


def audio_cfg_lines(text):
    """file name -> the comment that names its line, for every entry of audio.cfg that has one."""
    lines = {}
    for m in re.finditer(r'^\s*audio\s+"([^"]+)"[^\n]*?/\*(.*?)\*/', text, re.M):
        lines.setdefault(m.group(1), m.group(2).strip())
    return lines


def tutorial_lines(text):
    """tutN.ogg -> its subtitle in tutorial.js (clips without one have `message: undefined`)."""
    lines = {}
    for m in re.finditer(r'"audio":\s*"([^"]+\.ogg)"[^}]*?"message":\s*_\("((?:[^"\\]|\\.)*)"\)', text):
        lines.setdefault(m.group(1), m.group(2).replace('\\"', '"'))
    return lines


def proximity_lines(fodt):
    """c1proxN.ogg -> its line in the proximity-message script, where `C1proxN.wav` is followed by the line in
    curly quotes (which may run over several lines)."""
    ns = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
    text = " ".join("".join(p.itertext()) for p in ET.fromstring(fodt).iter(ns + "p"))
    return {m.group(1).lower() + ".ogg": " ".join(m.group(2).split())
            for m in re.finditer(r"(?i)\b(c\dprox\d+)\.wav\s*\u201c([^\u201d]*)\u201d", text)}


def clip_texts(wz):
    """(path in base.wz, raw text, speaker) of every voice clip whose text is known."""
    names = sorted(n for n in wz.namelist() if n.endswith(".ogg"))
    known = audio_cfg_lines(wz.read("audio/audio.cfg").decode("latin-1"))
    known.update(tutorial_lines(wz.read("script/tutorial.js").decode("utf-8")))
    known.update(proximity_lines(wz.read("audio/proxmessages/c1prox.fodt")))
    seen, clips = set(), []
    for path in names:
        base, speaker = posixpath.basename(path), speaker_of(path)
        if speaker is None or base not in known or base in seen:
            continue
        seen.add(base)
        clips.append((path, known[base], speaker))
    return clips


def held_out_by_rule(rows):
    return runner.speakers_by_time(rows)[KEPT_TOP_SPEAKERS:]


def extract():
    out = os.path.join(common.corpus_dir(NAME), "wav")
    rows, skipped, too_fast, decoded = [], collections.Counter(), [], 0
    with zipfile.ZipFile(BASE_WZ) as wz:
        for path, raw, speaker in clip_texts(wz):
            text = None if UNKNOWN_SPOKEN_FORM.search(raw) else common.normalize_text(raw)
            if not text:
                skipped[speaker] += 1
                continue
            dst = os.path.join(out, path[len("audio/"):].replace("/", "__")[:-len(".ogg")] + ".wav")
            if os.path.exists(dst):
                seconds = common.wav_seconds(dst)
            else:
                seconds = common.to_wav(dst, ["-f", "ogg", "-i", "pipe:"], wz.read(path))
                decoded += 1
            if len(text.split()) > MAX_WORDS_PER_SECOND * seconds:
                too_fast.append(posixpath.basename(path))
                continue
            rows.append((dst, text, speaker, seconds))
    print("%s: %d decoded now, %d already there; skipped: %s with a text of unknown spoken form, %d whose text is "
          "too long for the clip (%s)" % (NAME, decoded, len(rows) - decoded, dict(skipped), len(too_fast),
                                          " ".join(too_fast)))
    common.write_manifest(NAME, rows)
    return rows


def extract_and_summarize():
    rows = extract()
    runner.print_speakers(rows, TEST_SPEAKERS, held_out_by_rule(rows))
    return rows


if __name__ == "__main__":
    runner.run(__doc__, extract_and_summarize)

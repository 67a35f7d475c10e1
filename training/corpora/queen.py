#!/usr/bin/env python3
"""Flight of the Amazon Queen (Debian package `flight-of-the-amazon-queen`, the CD "talkie" version rebuilt by
ScummVM): the game's voice acting, each clip with the line of text the game shows for it, by character.

License: the Flight of the Amazon Queen license of John Passfield and Steven Stamatiadis
(/usr/share/doc/flight-of-the-amazon-queen/copyright): free to distribute, also in aggregate as part of a larger,
possibly commercial distribution, with the readme and copyright notices kept; no fee for the game itself; modified
versions may be distributed if marked as modified. Debian ships it in main.

Everything is in one archive, queen.1c: a 'QTBL' header (version string, compression 1 = MP3) and a table of
entries (12-byte name, bundle, big-endian offset and size). The speech clips (`*.SB`) are MP3, 11,025 Hz mono. How
the engine names the clip of a line (learnt from ScummVM's queen engine, re-implemented here): a line of text is
split into segments at every `*` followed by a two-character command (`*XY` also carries "00(x,y)"); segment k
(1-based, counting empty segments and every command except the grab commands GD/GM) plays `<prefix><k in hex>.SB`,
where spaces in the prefix become zeros. The prefixes are
  - Joe's descriptions (QUEEN2.JAS, the text list behind QUEEN.JAS): `JOE%04d` of the response number n (1-40, the
    stock answers) or 40 + the object description number;
  - dialogues (`*.DOG`, 20-byte header skipped): `%2d%4xJ` / `%2d%4xP` of the file's talk key and the line's id
    for Joe's and the other person's lines, `%2dSSSSJ` for Joe's opening line, `%2dXXXXP` / `%2dXXXXJ` for the
    greeting pair used on a second visit. Line tables are (2 bytes, id, length-prefixed string padded to 4 bytes);
  - cutaways (`*.CUT`, 20-byte header skipped): the cut's name padded with '_' to five characters, then the 1-based
    number of the cutaway object as %02d; the objects' sentences follow one another after an entry string. Only
    objects the engine treats as people speak (Joe = object 0, or a person object without animation list).
The speaker label is `queen-` and the character: Joe for Joe's lines; otherwise the person object's actor (the
engine's ACTOR_NAME list, its variants for close-ups, costumes and the ending's scenes folded into one name), found
for a dialogue through the command that starts it (a game-state entry whose speak value is the description
'NAME.DOG') or the cutaway that ends with it.

Skipped: sound effects (`*SSSS*`) and unused takes (no line names them), clips whose file name two lines claim (two
lines of LARIS.DOG share an id), text-only cutaway captions and cutaway lines of a person whose room's actors leave
the character open (the speaker is not settled), empty segments, stage directions and the '@@' marks within lines,
lines whose numbers have no certain reading (years, times, ordinals), grunts, animal noises and invented languages
(the gorilla, the parrot, the dog, the natives' chants, Sparky gagged: lines with fewer than two thirds of their
words in pocketsphinx's en-us dictionary), and clips whose speaking rate is implausible for their text.

Run: SPEECHMOE_BUILD=/work/build-data OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/corpora/queen.py
     [--spot-check N [--control]]
"""
import argparse
import collections
import os
import random
import re
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

NAME = "queen"
GAME = "/usr/share/scummvm/flight-of-the-amazon-queen/queen.1c"
DICTIONARY = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
HEADER = 20                 # bytes every .DOG, .CUT and QUEEN.JAS resource starts with, unused by the engine
JOE_RESPONSES = 40          # stock answers before the object descriptions in Joe's clip numbering
PERSON_IMAGES = (-3, -4)    # ObjectData.image of a person
NO_SPEECH_COMMANDS = ("GD", "GM")   # grab commands end no segment
MIN_ENGLISH = 2 / 3
MAX_WORDS_PER_SECOND = 6.0
MIN_WORDS_PER_SECOND = 0.4

# Held out of training, chosen by a rule fixed before any recognition result was seen: rank the characters other
# than Joe (the hero, who speaks most) by mapped audio time and hold out the 2nd, 4th, 6th, ... until the held-out
# share reaches 15 % of the corpus's audio. By the mapped clips' durations the ranking is Bob, Sparky, the witch
# doctor, Faye, Tammy (Mary-Lou), Frank, Jimmy, the zombie women, Azura, Death (the ferryman), ...; the rule holds out
# Sparky, Faye, Frank, the zombie women and Death. extract() prints the ranking and the held-out share, so that a
# change of data shows.
TEST_SPEAKERS = ["queen-sparky", "queen-faye", "queen-frank", "queen-zombie", "queen-death"]


class Archive:
    """queen.1c: the resource table and the bytes of one resource."""

    def __init__(self, path):
        self.data = open(path, "rb").read()
        if self.data[:4] != b"QTBL":
            raise SystemExit("%s: not a rebuilt Flight of the Amazon Queen archive" % path)
        self.version = self.data[4:10].split(b"\0")[0].decode()
        count = struct.unpack(">H", self.data[13:15])[0]
        self.entries = {}
        for i in range(count):
            at = 15 + 21 * i
            name = self.data[at:at + 12].split(b"\0")[0].decode("latin1")
            offset, size = struct.unpack(">II", self.data[at + 13:at + 21])
            self.entries[name] = (offset, size)

    def load(self, name, skip=0):
        offset, size = self.entries[name]
        return self.data[offset + skip:offset + size]

    def names(self, suffix):
        return sorted(n for n in self.entries if n.endswith(suffix))


def be16(b, at):
    return struct.unpack(">h", b[at:at + 2])[0]


def ube16(b, at):
    return struct.unpack(">H", b[at:at + 2])[0]


def string_at(b, at, align=2):
    """A length-prefixed string -> (text, offset after it, padded to `align`), as the engine's Talk::getString."""
    length = b[at]
    at += 1
    if length == 0:
        return "", at
    return b[at:at + length].decode("latin1"), (at + length + align - 1) & ~(align - 1)


def segments(sentence):
    """A line of text -> [(clip number, segment text)] by the engine's segmenting of spoken lines."""
    out, start, index, i = [], 0, 0, 0
    while i < len(sentence):
        if sentence[i] != "*":
            i += 1
            continue
        command = sentence[i + 1:i + 3]
        if command not in NO_SPEECH_COMMANDS:
            out.append((index + 1, sentence[start:i]))
        i += 3 + (11 if command == "XY" else 0)
        index += 1
        start = i
    if start < len(sentence):
        out.append((index + 1, sentence[start:]))
    return out


def clip_name(prefix, number):
    return (prefix.replace(" ", "0") + "%x" % number).upper() + ".SB"


class Jas:
    """QUEEN.JAS (objects, rooms, commands, actors) and QUEEN2.JAS (the texts), the parts the mapping needs."""

    def __init__(self, archive):
        b = archive.load("QUEEN.JAS", HEADER)
        rooms, names, objects, descriptions = struct.unpack(">4H", b[:8])
        self.pos = 8
        self.objects = self._table(b, objects, 8)
        self.room_first = [0] + [ube16(b, self.pos + 2 * i) for i in range(rooms + 1)]
        self.pos += 2 * (rooms + 1) + 2 * rooms          # room object ranges, room sound effects
        self._table(b, self._count(b), 5)                  # inventory items
        self._table(b, self._count(b), 5)                  # graphics
        for _ in range(rooms):                             # walking areas: object count, area count, 16 bytes each
            self.pos += 2
            areas = self._count(b)
            self.pos += 16 * areas
        self.pos += 8 * objects                            # object boxes
        self._table(b, self._count(b), 3)                  # walk-off points
        self._table(b, self._count(b), 4)                  # description cycling
        self.commands = self._table(b, self._count(b), 10)
        for _ in range(3):                                 # areas, objects, inventory changed by commands
            self._table(b, self._count(b), 3)
        self.command_states = self._table(b, self._count(b), 4)
        self.pos += 2                                      # entry object
        self._table(b, self._count(b), 2)                  # furniture
        actors, anims, actor_names = self._count(b), self._count(b), self._count(b)
        self._count(b)                                     # actor files
        self.actors = self._table(b, actors, 12)
        self._table(b, self._count(b), 3)                  # graphic animations
        if not b[self.pos:self.pos + 5].decode("latin1").startswith(archive.version):
            raise SystemExit("QUEEN.JAS: unexpected layout (no version string after the tables)")
        lines = [line.rstrip("\r") for line in archive.load("QUEEN2.JAS").decode("latin1").split("\n")]
        self.descriptions = lines[:descriptions]
        self.object_names = lines[descriptions:descriptions + names]
        responses = descriptions + names + rooms + 12      # after the room names and the 12 verbs
        self.responses = lines[responses:responses + JOE_RESPONSES]
        first_actor_name = responses + JOE_RESPONSES + anims
        self.actor_names = lines[first_actor_name:first_actor_name + actor_names]

    def _count(self, b):
        self.pos += 2
        return ube16(b, self.pos - 2)

    def _table(self, b, rows, fields):
        """rows of `fields` big-endian int16, 1-based as in the engine (row 0 is None)."""
        out = [None]
        for _ in range(rows):
            out.append(struct.unpack(">%dh" % fields, b[self.pos:self.pos + 2 * fields]))
            self.pos += 2 * fields
        return out

    def is_person(self, obj):
        return self.objects[obj][7] in PERSON_IMAGES

    def object_name(self, obj):
        name = self.objects[obj][0]
        return self.object_names[abs(name) - 1] if name else ""

    def actor_candidates(self, obj):
        """The actor names the engine may bind to a person object: actors of its room with its bob number, whatever
        the game state (findActor also checks a game-state slot; names rarely differ between those)."""
        room = self.objects[obj][5]
        bob = sum(1 for o in range(self.room_first[room] + 1, obj + 1) if self.is_person(o))
        return sorted({self.actor_names[a[2] - 1] for a in self.actors[1:] if a[0] == room and a[1] == bob})

    def starters(self, suffix):
        """'NAME.DOG' (or .CUT) -> the objects whose commands start it."""
        files = {i + 1: d.upper() for i, d in enumerate(self.descriptions) if d.upper().endswith(suffix)}
        out = collections.defaultdict(set)
        for command, _, _, speak in self.command_states[1:]:
            if speak & 0xFFFF in files and self.commands[command][1] > 0:
                out[files[speak & 0xFFFF]].add(self.commands[command][1])
        return out


# The actor list names one character several ways (close-ups -H, scenes -E/-F, costumes, the ending's Xn_ copies);
# these fold into one speaker, and so do the three zombie women (one name on screen: "zombie woman").
ACTOR_ALIASES = {"ANDSON": "ANDERSON", "PRINCESS1": "AZURA", "PRINCESS2": "AZURA", "APE1": "APE", "APE2": "APE",
                 "LOLA_SHOWER": "LOLA", "LOLA_STAND": "LOLA", "ZOMBIE2": "ZOMBIE", "ZOMBIE3": "ZOMBIE"}


def character(actor):
    actor = re.sub(r"^X\d+_", "", actor)
    actor = re.sub(r"-[A-Z]$", "", actor)
    return ACTOR_ALIASES.get(actor, actor)


def person_speaker(jas, obj, hint=""):
    """A person object -> its character, or None when the tables do not settle it (`hint`: a dialogue file's name,
    which names the character when the room's actors leave a choice)."""
    if obj == 0:
        return "JOE"
    names = {character(a) for a in jas.actor_candidates(obj)}
    if len(names) == 1:
        return names.pop()
    stem = re.sub(r"\d*\.DOG$", "", hint)
    if stem and sum(1 for name in names if name.startswith(stem)) == 1:
        return next(name for name in names if name.startswith(stem))
    shown = jas.object_name(obj).upper()
    if shown == "JOE KING":
        return "JOE"
    for name in names:
        if shown.split() and name == shown.split()[-1]:
            return name
    return None


Clip = collections.namedtuple("Clip", "sb line speaker source")


def description_clips(jas):
    out = []
    texts = [(n, line) for n, line in enumerate(jas.responses, 1)]
    texts += [(JOE_RESPONSES + n, line) for n, line in enumerate(jas.descriptions, 1)]
    for number, line in texts:
        for k, seg in segments(line):
            out.append(Clip(clip_name("JOE%04d" % number, k), seg, "JOE", "description %d" % number))
    return out


def dialogue(archive, name):
    """A .DOG file -> (talk key, [(id, line)] of Joe, [(id, line)] of the person, opening line, greeting pair)."""
    b = archive.load(name, HEADER)
    levels, talk_key, joe_count, person_count = abs(be16(b, 0)), be16(b, 4), be16(b, 6), be16(b, 8)
    person_at, greeting_at = ube16(b, 22), ube16(b, 26)
    joe_at = 32 + levels * 96

    def lines(at, count):
        out = []
        for _ in range(count):
            ident = be16(b, at + 2)
            text, at = string_at(b, at + 4, 4)
            out.append((ident, text))
        return out

    has_no_opening = ube16(b, joe_at + 2)
    opening = "" if has_no_opening else string_at(b, joe_at + 4)[0]
    again_person, at = string_at(b, greeting_at)
    again_joe = string_at(b, at)[0]
    return talk_key, lines(joe_at, joe_count), lines(person_at, person_count), opening, (again_person, again_joe)


def cutaway(archive, jas, name):
    """A .CUT file -> [(cutaway object number, game object number, is a person, sentence)]; raises on a bad layout."""
    b = archive.load(name, HEADER)
    count, game_state_at, sentence_at = abs(be16(b, 2)), ube16(b, 6), ube16(b, 8)
    _, sentence_at = string_at(b, sentence_at)      # the entry string (Joe's facing) comes first
    at, out = 12, []
    for index in range(1, count + 1):
        fields = struct.unpack(">17h", b[at:at + 34])
        at += 34
        obj, anim_list, execute, from_object = fields[0], fields[4], fields[5], fields[12]
        at += 2 + 2 * be16(b, at)                   # the people turned on
        sentence, sentence_at = string_at(b, sentence_at)
        if obj == -1:                               # a room fade, then Joe
            obj = 0
        kind = object_kind(jas, obj, anim_list, execute, from_object)
        if kind == "animation":                     # frames until a -2 header, 18 bytes each after their header
            while be16(b, at) != -2:
                at += 20
            at += 2
        person = kind == "person"
        out.append((index, obj, person, sentence))
    if not 0 < game_state_at - at <= 4:
        raise ValueError("%s: cutaway objects end at %d, game states start at %d" % (name, at, game_state_at))
    return out


def object_kind(jas, obj, anim_list, execute, from_object):
    """How the engine plays a cutaway object (Cutaway::getObjectType): only "person" objects speak."""
    kind = "animation"
    if (obj > 0 and jas.is_person(obj) or obj == 0) and not anim_list:
        kind = "person"
    if from_object > 0:
        kind = "none"
    if obj in (-2, -3, -4):
        kind = "caption"
    if kind == "animation" and not execute:
        kind = "none"
    return kind


def cutaway_dialogue(archive, name):
    """A .CUT file -> (the dialogue file it ends with or "", the object it talks to)."""
    b = archive.load(name, HEADER)
    at = ube16(b, 10)
    banks = ube16(b, at)
    at += 2
    for _ in range(banks):
        _, at = string_at(b, at)
    talk_file, at = string_at(b, at)
    return talk_file, be16(b, at)


def dialogue_clips(archive, jas, speakers):
    out = []
    for name in archive.names(".DOG"):
        key, joe, person, opening, (again_person, again_joe) = dialogue(archive, name)
        who = speakers.get(name)
        spoken = [("%2d%4xJ" % (key, i), line, "JOE") for i, line in joe if i > 0]
        spoken += [("%2d%4xP" % (key, i), line, who) for i, line in person if i > 0]
        spoken += [("%2dSSSSJ" % key, opening, "JOE"), ("%2dXXXXP" % key, again_person, who),
                   ("%2dXXXXJ" % key, again_joe, "JOE")]
        for prefix, line, speaker in spoken:
            for k, seg in segments(line):
                out.append(Clip(clip_name(prefix, k), seg, speaker, name))
    return out


def cutaway_clips(archive, jas):
    """-> (clips, the people each cutaway's dialogue file is started with: {'NAME.DOG': object})."""
    out, talks = [], {}
    for name in archive.names(".CUT"):
        base = name[:-4]
        for index, obj, person, sentence in cutaway(archive, jas, name):
            if not person or sentence in ("", "*") or sentence.startswith("#"):
                continue
            speaker = person_speaker(jas, obj)
            prefix = base.ljust(5, "_") + "%02d" % index
            for k, seg in segments(sentence):
                out.append(Clip(clip_name(prefix, k), seg, speaker, name))
        talk_file, talk_to = cutaway_dialogue(archive, name)
        if talk_file.upper().endswith(".DOG"):
            talks[talk_file.upper()] = talk_to
    return out, talks


def dialogue_speakers(archive, jas, cutaway_talks):
    """'NAME.DOG' -> the character who answers Joe in it (None when the tables do not name one)."""
    starters = jas.starters(".DOG")
    out = {}
    for name in archive.names(".DOG"):
        objects = set(starters.get(name, ()))
        if name in cutaway_talks:
            objects.add(cutaway_talks[name])
        found = {person_speaker(jas, o, name) for o in objects if o > 0}
        out[name] = found.pop() if len(found) == 1 else None
    return out


ABBREVIATIONS = {"Dr.": "Doctor", "Mr.": "Mister", "Mrs.": "Missus"}


def spoken_text(segment, english):
    """A segment of a line -> normalized text, or None when it is not plain English speech with a known reading:
    stage directions in parentheses and the '@@' marks are dropped; numbers other than plain ones below 100 (years,
    times, ordinals, '2B') have no certain reading; a line with under two thirds of its words in the dictionary is
    not English (the gorilla's and guards' grunts)."""
    s = re.sub(r"\([^)]*\)|@@", " ", segment)
    for short, full in ABBREVIATIONS.items():
        s = s.replace(short, full)
    if "/" in s or re.search(r"\d{3}|\d[A-Za-z:]|[A-Za-z]\d", s):
        return None
    text = common.normalize_text(s)
    if not text:
        return None
    words = text.split()
    if sum(w in english for w in words) < MIN_ENGLISH * len(words):
        return None
    return text


def dictionary_words(path):
    return {re.sub(r"\(\d+\)$", "", line.split(" ", 1)[0]) for line in open(path, encoding="utf-8")}


def all_clips(archive, jas):
    cuts, talks = cutaway_clips(archive, jas)
    clips = description_clips(jas) + dialogue_clips(archive, jas, dialogue_speakers(archive, jas, talks)) + cuts
    return [c for c in clips if c.sb in archive.entries]


def extract():
    archive = Archive(GAME)
    jas = Jas(archive)
    english = dictionary_words(DICTIONARY)
    skipped = collections.Counter()
    claims = collections.defaultdict(set)
    clips = all_clips(archive, jas)
    for c in clips:
        claims[c.sb].add(c.line)
    out = os.path.join(common.corpus_dir(NAME), "wav")
    rows, decoded, seen = [], 0, set()
    for c in clips:
        if c.sb in seen:
            continue
        seen.add(c.sb)
        if len(claims[c.sb]) > 1:
            skipped["file claimed by two lines"] += 1
            continue
        if c.speaker is None:
            skipped["speaker not settled by the tables"] += 1
            continue
        if not c.line.strip():
            skipped["empty segment"] += 1
            continue
        text = spoken_text(c.line, english)
        if text is None:
            skipped["not plain English text"] += 1
            continue
        dst = os.path.join(out, c.sb[:-3] + ".wav")
        if os.path.exists(dst):
            seconds = common.wav_seconds(dst)
        else:
            seconds = common.to_wav(dst, ["-f", "mp3", "-i", "pipe:"], archive.load(c.sb))
            decoded += 1
        rate = len(text.split()) / max(seconds, 0.01)
        if not MIN_WORDS_PER_SECOND <= rate <= MAX_WORDS_PER_SECOND:
            skipped["implausible speaking rate"] += 1
            continue
        rows.append((dst, text, "queen-" + c.speaker.lower(), seconds))
    unmapped = len(archive.names(".SB")) - len(seen)
    print("%d speech files in the archive, %d mapped to a line, %d decoded now" % (
        len(archive.names(".SB")), len(seen), decoded))
    print("not mapped to any line (sound effects, unused takes): %d" % unmapped)
    for why, n in skipped.most_common():
        print("skipped, %s: %d" % (why, n))
    common.write_manifest(NAME, rows)
    report_speakers(rows)
    report_timing(rows)
    return rows


def correlation(xs, ys):
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    return cov / (sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys)) ** 0.5


def report_timing(rows):
    """A check of the mapping that needs no recognizer: a clip's duration follows the length of its own line, not
    that of the line next to it (what a mapping shifted by one would pair it with)."""
    letters = [len(r[1]) for r in rows]
    seconds = [r[3] for r in rows]
    print("letters vs seconds, correlation: %.2f with the clips' own lines, %.2f with their neighbours'" % (
        correlation(letters, seconds), correlation(letters[1:], seconds[:-1])))


def report_speakers(rows):
    seconds = collections.Counter()
    for _, _, speaker, s in rows:
        seconds[speaker] += s
    total = sum(seconds.values())
    print("speakers by audio time (min):")
    for speaker, s in seconds.most_common():
        print("  %-18s %6.1f%s" % (speaker, s / 60, "  held out" if speaker in TEST_SPEAKERS else ""))
    held = sum(seconds[s] for s in TEST_SPEAKERS)
    print("held out: %d speakers, %.1f %% of the audio" % (len(TEST_SPEAKERS), 100 * held / max(total, 1e-9)))


# White noise at 1 % of full scale, mixed in before the spot check only (never into the corpus): the clips are MP3
# at 16 kbit/s whose upper bands the encoder left nearly empty, and pocketsphinx's wideband en-us model, fed bands
# that are all but silent, recognizes next to nothing whatever the mapping; a noise floor there lets it hear speech.
NOISE_FLOOR = "anoisesrc=c=white:a=0.01:r=%d:seed=1" % common.SR


def spot_check(rows, n, control=False, seed=1):
    """common.spot_check on n random clips, once as they are and once with NOISE_FLOOR mixed in (`control`: each
    clip scored against the line of the clip after it in the manifest, the level a shifted mapping would give)."""
    if control:
        rows = [(path, rows[(i + 1) % len(rows)][1], speaker, s) for i, (path, _, speaker, s) in enumerate(rows)]
    sample = random.Random(seed).sample(rows, min(n, len(rows)))
    print("spot check on the clips as they are:")
    common.spot_check(sample, n, seed)
    with tempfile.TemporaryDirectory() as tmp:
        filled = []
        for path, text, speaker, s in sample:
            dst = os.path.join(tmp, os.path.basename(path))
            common.to_wav(dst, ["-i", path, "-f", "lavfi", "-i", NOISE_FLOOR,
                                "-filter_complex", "amix=inputs=2:duration=first"])
            filled.append((dst, text, speaker, s))
        print("spot check on the same clips with a noise floor:")
        common.spot_check(filled, n, seed)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spot-check", type=int, default=0, metavar="N",
                    help="also run pocketsphinx on N random clips and print the word error rate (see spot_check)")
    ap.add_argument("--control", action="store_true",
                    help="with --spot-check: score each clip against its neighbour's line (a wrong mapping's level)")
    args = ap.parse_args()
    if not os.path.exists(GAME):
        print("queen: %s not found (install the Debian package flight-of-the-amazon-queen)" % GAME,
              file=sys.stderr)
        sys.exit(1)
    rows = extract()
    if args.spot_check:
        spot_check(rows, args.spot_check, args.control)


if __name__ == "__main__":
    main()

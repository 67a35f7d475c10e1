#!/usr/bin/env python3
"""Beneath a Steel Sky (Debian package `beneath-a-steel-sky`, the 1994 CD version 0.0372): the English voice acting,
each clip with the subtitle line the game shows for it.

License: the Beneath-a-Steel-Sky license of Revolution Software Ltd (/usr/share/doc/beneath-a-steel-sky/copyright):
free to distribute on any medium, also inside a larger, possibly commercial distribution, with the readme and
copyright notices kept; no fee for the game itself; modified versions allowed when marked as modified. Debian ships
it in main.

Where things are (learned from ScummVM's Sky engine, re-implemented here): `sky.dnr` indexes the data files of
`sky.dsk` (per entry: file number, 24-bit offset whose bit 23 means "times 16", 24-bit size and flags; flag bit 23 =
stored as is, bit 22 = drop the 22-byte file header). A compressed file starts with that 22-byte header whose flag
word has bit 7 set, followed by an RNC method-1 stream (LZ77 with per-chunk Huffman tables, LSB-first bits, CRC-16).
Text is in files 60600-60607 (English, one per text section): a bit stream of per-character Huffman codes
(MSB-first, texts start on 2-bit boundaries) indexed by a table of 32-text block lengths and per-text skip bytes.
The Huffman tree is not in the game data but in the engine: it is read from the installed ScummVM binary
(`scummvm` is a dependency of the game package), as the tree of 3-byte nodes (left, right, character) that
decodes the game's texts into the most word-like tokens. Text number `s << 12 | i` is spoken by speech file
50000 + SECTION_BASE[s] + i: unsigned 8-bit mono 11,025 Hz after the 22-byte header. The intro's speech
(files 59494-59672) has no text in the data and is skipped, as are lines whose text normalizes to nothing.

Run: SPEECHMOE_BUILD=/work/build-data OMP_NUM_THREADS=1 nice -n 10 /usr/bin/python3 training/corpora/sky.py
     [--spot-check N]
"""
import argparse
import os
import re
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

NAME = "sky"
GAME = "/usr/share/scummvm/beneath-a-steel-sky"
SCUMMVM = "/usr/games/scummvm"
RATE = 11025
HEADER = 22
DNR_ENTRIES_CD_372 = 5097
TEXT_FILE = 60600  # English; one file per section
SECTIONS = 8
SPEECH_FILE = 50000
# first speech file of each text section
SECTION_BASE = [0, 600, 1100, 2430, 3380, 4530, 5080, 5230]


class RncError(ValueError):
    pass


def _crc16_table():
    table = []
    for byte in range(256):
        c = byte
        for _ in range(8):
            c = (c >> 1) ^ 0xA001 if c & 1 else c >> 1
        table.append(c)
    return table


CRC16 = _crc16_table()


def crc16(data):
    c = 0
    for b in data:
        c = CRC16[(c ^ b) & 0xFF] ^ (c >> 8)
    return c


class _BitReader:
    """RNC's bit stream: 16-bit little-endian words read LSB-first, with one word of lookahead that literal runs
    overwrite: a literal run starts at the lookahead word, after which the bits still unread are kept and refilled
    from the bytes after the run."""

    def __init__(self, data):
        self.data = data + b"\0\0\0\0"
        self.pos = 0
        self.buf = self._word(0)
        self.count = 16

    def _word(self, at):
        return self.data[at] | self.data[at + 1] << 8

    def peek(self, n):
        return self.buf & ((1 << n) - 1)

    def bits(self, n):
        value = self.buf & ((1 << n) - 1)
        self.buf >>= n
        self.count -= n
        if self.count < 16:
            self.pos += 2
            self.buf |= self._word(self.pos) << self.count
            self.count += 16
        return value

    def literal(self, n):
        run = self.data[self.pos:self.pos + n]
        self.pos += n
        self.count -= 16
        self.buf &= (1 << self.count) - 1
        self.buf |= (self._word(self.pos) | self._word(self.pos + 2) << 16) << self.count
        self.count += 16
        return run


def _huffman_table(reader):
    """A chunk's code table: (length, bit-reversed code, symbol), canonical codes assigned by length then symbol."""
    lengths = [reader.bits(4) for _ in range(reader.bits(5))]
    table, code = [], 0
    for length in range(1, 17):
        for symbol, n in enumerate(lengths):
            if n == length:
                msb_first = code >> (16 - length)
                table.append((length, int(format(msb_first, "0%db" % length)[::-1], 2), symbol))
                code += 1 << (16 - length)
    return table


def _huffman_value(reader, table):
    for length, code, symbol in table:
        if reader.peek(length) == code:
            reader.bits(length)
            if symbol < 2:
                return symbol
            return reader.bits(symbol - 1) | 1 << (symbol - 1)
    raise RncError("no Huffman code matches")


def rnc1_unpack(src):
    """An RNC method-1 stream (18-byte header: 'RNC\\1', unpacked and packed length, their CRC-16s, leeway,
    chunk count) -> the unpacked bytes, CRC-checked."""
    if src[:4] != b"RNC\x01":
        raise RncError("not an RNC method-1 stream")
    unpacked_len, packed_len, unpacked_crc, packed_crc = struct.unpack_from(">IIHH", src, 4)
    chunks = src[17]
    packed = bytes(src[18:18 + packed_len])
    if crc16(packed) != packed_crc:
        raise RncError("packed CRC mismatch")
    reader = _BitReader(packed)
    out = bytearray()
    reader.bits(2)  # lock and key flags, unused
    for _ in range(chunks):
        raw, dist, length = _huffman_table(reader), _huffman_table(reader), _huffman_table(reader)
        for left in range(reader.bits(16), 0, -1):
            n = _huffman_value(reader, raw)
            if n:
                out += reader.literal(n)
            if left == 1:
                break
            back = _huffman_value(reader, dist) + 1
            n = _huffman_value(reader, length) + 2
            start = len(out) - back
            if back >= n:
                out += out[start:start + n]
            else:  # the copy overlaps what it writes
                for k in range(n):
                    out.append(out[start + k])
    if len(out) != unpacked_len or crc16(out) != unpacked_crc:
        raise RncError("unpacked length or CRC mismatch")
    return bytes(out)


class Disk:
    """sky.dnr + sky.dsk: the game's numbered data files."""

    def __init__(self, game=GAME):
        dnr = open(os.path.join(game, "sky.dnr"), "rb").read()
        count = struct.unpack_from("<I", dnr, 0)[0]
        if count != DNR_ENTRIES_CD_372:
            raise SystemExit("sky: %s/sky.dnr has %d entries, expected the CD version 0.0372 (%d)"
                             % (game, count, DNR_ENTRIES_CD_372))
        self.entries = {}
        for k in range(count):
            at = 4 + 8 * k
            number = struct.unpack_from("<H", dnr, at)[0]
            self.entries[number] = (int.from_bytes(dnr[at + 2:at + 5], "little"),
                                    int.from_bytes(dnr[at + 5:at + 8], "little"))
        self.dsk = open(os.path.join(game, "sky.dsk"), "rb")

    def __contains__(self, number):
        return number in self.entries

    def load(self, number):
        offset, flags = self.entries[number]
        if offset & 0x800000:
            offset = (offset & 0x7FFFFF) << 4
        self.dsk.seek(offset)
        data = self.dsk.read(flags & 0x3FFFFF)
        stored = flags & 0x800000
        if not stored and struct.unpack_from("<H", data, 0)[0] & 0x80:
            unpacked = rnc1_unpack(data[HEADER:])
            return unpacked if flags & 0x400000 else data[:HEADER] + unpacked
        return data


def huffman_trees(binary):
    """Every text Huffman tree in a binary: node 0 is the root, a node is (left, right, 0) with both children after
    it, or a leaf (0, 0, character); all nodes reachable, characters distinct, NUL and space among them."""
    trees = []
    for m in re.finditer(rb"\x01[\x02-\xff]\x00\x02[\x03-\xff]\x00", binary):
        nodes, stack, at = {}, [0], m.start()
        while stack:
            k = stack.pop()
            if k in nodes or k > 255:
                break
            node = tuple(binary[at + 3 * k:at + 3 * k + 3])
            nodes[k] = node
            if node[:2] != (0, 0):
                if node[0] <= k or node[1] <= k or node[2]:
                    break
                stack += node[:2]
        else:
            chars = [n[2] for n in nodes.values() if n[:2] == (0, 0)]
            if (set(nodes) == set(range(len(nodes))) and len(set(chars)) == len(chars) > 40
                    and {0, 0x20} <= set(chars)):
                trees.append([nodes[k] for k in range(len(nodes))])
    return trees


def decode_texts(data, tree):
    """One section's text file -> {index in section: text}."""
    skip_table, bits_base = struct.unpack_from("<HH", data, 0)
    texts, block_start = {}, 0
    for block in range((skip_table - 4) // 2):
        offset = block_start  # in 2-bit units
        for k in range(32):
            if k:
                skip = data[skip_table + 32 * block + k - 1]
                offset += (skip & 0x7F) << 3 if skip & 0x80 else skip
            text = _decode_one(data, bits_base + (offset >> 2), 8 - 2 * (offset & 3), tree)
            if text is None:
                return texts
            texts[32 * block + k] = text
        block_start += struct.unpack_from("<H", data, 4 + 2 * block)[0]
    return texts


def _decode_one(data, byte, bit, tree):
    chars = bytearray()
    while len(chars) < 1000:
        node = 0
        while True:
            if bit:
                bit -= 1
            else:
                byte, bit = byte + 1, 7
            if byte >= len(data):
                return None
            node = tree[node][data[byte] >> bit & 1]
            if tree[node][:2] == (0, 0):
                break
        if tree[node][2] == 0:
            break
        chars.append(tree[node][2])
    return chars.decode("latin-1")


PRINTABLE = re.compile(r"[ -~]*")
WORD = re.compile(r"[A-Z]?[a-z']+[.,!?]*")


def game_texts(disk, binary_path=SCUMMVM):
    """{(section, index): text} with the ScummVM tree under which the most tokens look like English words (a wrong
    tree decodes to letter salad)."""
    sections = [disk.load(TEXT_FILE + s) for s in range(SECTIONS)]
    best, best_score = None, -1
    for tree in huffman_trees(open(binary_path, "rb").read()):
        texts = {(s, k): t for s, data in enumerate(sections) for k, t in decode_texts(data, tree).items()}
        score = sum(1 for t in texts.values() for w in t.split() if WORD.fullmatch(w))
        if score > best_score:
            best, best_score = texts, score
    if best is None:
        raise SystemExit("sky: no text Huffman tree found in %s (is the scummvm package installed?)" % binary_path)
    print("sky: %d texts, %d word-like tokens" % (len(best), best_score))
    return best


def speaker_of(section, index):
    return "sky-s%d" % section


TEST_SPEAKERS = []


def extract():
    disk = Disk()
    texts = game_texts(disk)
    wav_dir = os.path.join(common.corpus_dir(NAME), "wav")
    rows, skipped = [], 0
    for (section, index), line in sorted(texts.items()):
        number = SPEECH_FILE + SECTION_BASE[section] + index
        if number not in disk or (section + 1 < SECTIONS and number >= SPEECH_FILE + SECTION_BASE[section + 1]):
            continue
        text = common.normalize_text(line) if PRINTABLE.fullmatch(line) else None
        if not text:
            skipped += 1
            continue
        dst = os.path.join(wav_dir, "%d.wav" % number)
        if os.path.exists(dst):
            seconds = common.wav_seconds(dst)
        else:
            audio = disk.load(number)[HEADER:]
            seconds = common.to_wav(dst, ["-f", "u8", "-ar", str(RATE), "-ac", "1", "-i", "pipe:"], audio)
        rows.append((dst, text, speaker_of(section, index), seconds))
    print("sky: %d speech files with text, %d skipped (no usable text)" % (len(rows), skipped))
    common.write_manifest(NAME, rows)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spot-check", type=int, default=0, metavar="N",
                    help="pocketsphinx WER of N random clips against their mapped text")
    args = ap.parse_args()
    rows = extract()
    if args.spot_check:
        common.spot_check(rows, args.spot_check)


if __name__ == "__main__":
    main()

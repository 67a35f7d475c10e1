"""The command line that the small extractors (asterisk16k, warzone, words) share: extract, then optionally check
the text mapping with pocketsphinx on random clips."""
import argparse
import collections

import common


def run(doc, extract):
    """doc: the extractor's module docstring (its first paragraph describes it); extract() -> manifest rows."""
    ap = argparse.ArgumentParser(description=" ".join(doc.split("\n\n")[0].split()))
    ap.add_argument("--spot-check", type=int, default=0, metavar="N",
                    help="pocketsphinx WER on N random clips after extracting")
    args = ap.parse_args()
    rows = extract()
    if args.spot_check:
        common.spot_check(rows, args.spot_check)


def speakers_by_time(rows):
    """Speaker labels, the one with the most audio first (ties by label)."""
    seconds = collections.Counter()
    for _, _, speaker, s in rows:
        seconds[speaker] += s
    return [s for s, _ in sorted(seconds.items(), key=lambda kv: (-kv[1], kv[0]))]


def print_speakers(rows, test_speakers, by_rule):
    """Clips, seconds and words per second of each speaker, the held-out share, and a warning where the listed
    TEST_SPEAKERS differ from what the extractor's rule (`by_rule`) gives for this manifest."""
    by = collections.defaultdict(lambda: [0, 0.0, 0])
    for _, text, speaker, s in rows:
        by[speaker][0] += 1
        by[speaker][1] += s
        by[speaker][2] += len(text.split())
    for speaker in speakers_by_time(rows):
        n, s, words = by[speaker]
        print("  %-26s %4d clips %6.1f s %4.1f words/s%s" % (speaker, n, s, words / s,
                                                             "  (test)" if speaker in test_speakers else ""))
    if sorted(by_rule) != sorted(test_speakers):
        print("warning: TEST_SPEAKERS no longer follows its rule, which gives %s" % sorted(by_rule))
    total = sum(v[1] for v in by.values())
    print("held out: %d speakers, %.1f %% of %.1f min" % (
        len(test_speakers), 100 * sum(by[t][1] for t in test_speakers) / total, total / 60))

"""The command line that the small extractors (asterisk16k, warzone, words) share: extract, then optionally check
the text mapping with pocketsphinx on random clips."""
import argparse

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

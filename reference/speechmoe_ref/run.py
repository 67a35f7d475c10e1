"""CLI: python -m speechmoe_ref.run --dir MODELDIR audio.wav [more.wav ...]

Prints the CTC greedy token ids and text for each file and writes <out>/<stem>.logp.npy."""
import argparse
import os
import sys

import numpy as np

from . import load_model
from .config import ids_to_text


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dir", required=True, help="model dir: train.yaml, final.pt, units.txt, global_cmvn")
    ap.add_argument("--checkpoint", default=None, help="override: a .pt or .safetensors file")
    ap.add_argument("--out", default=".", help="where to write <stem>.logp.npy (default: .)")
    ap.add_argument("--dump", action="store_true", help="also write every intermediate as <stem>.<name>.npy")
    ap.add_argument("--chunk-size", type=int, default=None,
                    help="mask attention to chunks of N output frames (a causal model's chunked decoding)")
    ap.add_argument("--left-chunks", type=int, default=-1, help="with --chunk-size: N earlier chunks only")
    ap.add_argument("--streamed", action="store_true",
                    help="with --chunk-size: run chunk by chunk with caches instead of the masked full pass")
    ap.add_argument("wavs", nargs="+")
    args = ap.parse_args(argv)
    m = load_model(args.dir, args.checkpoint)
    os.makedirs(args.out, exist_ok=True)
    if args.streamed and args.chunk_size is None:
        ap.error("--streamed needs --chunk-size")
    for wav in args.wavs:
        res = m.run_wav(wav, chunk_size=args.chunk_size, left_chunks=args.left_chunks, streamed=args.streamed)
        stem = os.path.splitext(os.path.basename(wav))[0]
        np.save(os.path.join(args.out, stem + ".logp.npy"), res["logp"].numpy())
        if args.dump:
            for k, v in res.items():
                np.save(os.path.join(args.out, "%s.%s.npy" % (stem, k)), v.numpy())
        ids = res["greedy_ids"].tolist()
        print("%s\t%s\t%s" % (stem, " ".join(map(str, ids)), ids_to_text(ids, m.units)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

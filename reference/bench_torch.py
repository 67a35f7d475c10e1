#!/usr/bin/env python3
"""Times the PyTorch reference's forward pass on given features (the PyTorch row of the end-to-end comparison).

    /usr/bin/python3 reference/bench_torch.py --dir MODELDIR --feats feats.f32 --out torch.properties
        [--threads 2] [--warmups 2] [--runs 5]

feats.f32: raw little-endian float32, T x 80, CMVN applied (the fbank is outside the timing, as for the other
engines). The forward is the reference's own (SpeechMoE.forward under no_grad: top-1 routing, each expert run on
its own frames only). Writes the median wall seconds and every run's to --out (Java properties).
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from speechmoe_ref import load_model  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--feats", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmups", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--label", default="", help="what differs from the installed PyTorch, e.g. the BLAS")
    ap.add_argument("--logp", help="the reference's logp.f32, to report the max abs difference of this run")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    model = load_model(args.dir).model
    feats = torch.from_numpy(np.fromfile(args.feats, dtype="<f4").reshape(-1, 80).copy())
    times = []
    with torch.no_grad():
        for i in range(args.warmups + args.runs):
            t0 = time.perf_counter()
            logp = model(feats)["logp"]
            if i >= args.warmups:
                times.append(time.perf_counter() - t0)
    diff = "n/a"
    if args.logp:   # another BLAS sums in another order: the answer must still be the reference's
        ref = torch.from_numpy(np.fromfile(args.logp, dtype="<f4").reshape(logp.shape))
        diff = "%.2e" % float((logp - ref).abs().max())
    median = statistics.median(times)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("version=%s\nlabel=%s\nthreads=%d\nwarmups=%d\nruns=%d\nmedian_s=%.6f\ntimes_s=%s\n"
                "max_abs_diff=%s\n" % (torch.__version__.split("+")[0], args.label, args.threads, args.warmups,
                                        args.runs, median, ",".join("%.6f" % t for t in times), diff))
    print("PyTorch %s %s, %d threads: median %.3f s over %d runs (%s); max abs diff vs reference %s" % (
        torch.__version__, args.label, args.threads, median, args.runs, ", ".join("%.3f" % t for t in times), diff))


if __name__ == "__main__":
    main()

"""Compare speechmoe-java output with the PyTorch reference for one recording.

    ./speechmoe logits -m model.smoe --out java.logp.npy --routes java.routes.npy a.wav
    cd reference && /usr/bin/python3 -m speechmoe_ref.run --dir MODELDIR --dump --out ref ../a.wav
    /usr/bin/python3 reference/compare.py java.logp.npy reference/ref/a.logp.npy \
        --routes java.routes.npy reference/ref/a.routes.npy

Prints the largest absolute log-probability difference and whether the routes are identical; exits 1 when the
log-probabilities differ by more than --tolerance (1e-3) or any route differs.
"""
import argparse
import sys

import numpy as np


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("java_logp")
    ap.add_argument("ref_logp")
    ap.add_argument("--routes", nargs=2, metavar=("JAVA", "REF"))
    ap.add_argument("--tolerance", type=float, default=1e-3)
    args = ap.parse_args(argv)
    a, b = np.load(args.java_logp), np.load(args.ref_logp)
    if a.shape != b.shape:
        print("log-prob shapes differ: %s vs %s" % (a.shape, b.shape))
        return 1
    err = float(np.abs(a.astype(np.float64) - b.astype(np.float64)).max()) if a.size else 0.0
    ok = err <= args.tolerance
    print("log-probs %s: max abs difference %.3g (tolerance %.3g)" % (a.shape, err, args.tolerance))
    if args.routes:
        ra, rb = np.load(args.routes[0]), np.load(args.routes[1])
        same = ra.shape == rb.shape and bool((ra == rb).all())
        n = int((ra != rb).sum()) if ra.shape == rb.shape else -1
        print("routes %s: %s" % (ra.shape, "identical" if same else "%d differ" % n))
        ok = ok and same
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Fixtures for the Java resampler: what torchaudio.functional.resample (the reference's and 3m-asr's resampler:
sinc with a Hann window, 6 zero crossings, rolloff 0.99) makes of a few short signals.

  /usr/bin/python3 reference/make_resample_fixtures.py

Writes testdata/resample/<source>_<target>.in.npy and .out.npy (float32): 0.25 s of a chirp plus noise.
"""
import os

import numpy as np
import torch
import torchaudio

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "testdata", "resample")
PAIRS = [(8000, 16000), (22050, 16000), (44100, 16000), (48000, 16000), (32000, 16000), (11025, 16000),
         (16000, 48000), (44101, 16000)]


def main():
    os.makedirs(OUT, exist_ok=True)
    for source, target in PAIRS:
        rng = np.random.default_rng(source + target)
        n = source // 4
        t = np.arange(n) / source
        chirp = 0.5 * np.sin(2 * np.pi * (100 * t + 0.5 * (0.45 * source - 100) / t[-1] * t * t))
        x = (chirp + 0.05 * rng.standard_normal(n)).astype(np.float32)
        y = torchaudio.functional.resample(torch.from_numpy(x), source, target).numpy()
        np.save(os.path.join(OUT, "%d_%d.in.npy" % (source, target)), x)
        np.save(os.path.join(OUT, "%d_%d.out.npy" % (source, target)), y.astype(np.float32))
        print(source, target, len(x), len(y))


if __name__ == "__main__":
    main()

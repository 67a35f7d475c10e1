#!/usr/bin/env python3
"""The training forward (batched, padded, differentiable) must equal the reference forward that the converter and the
Java runtime are checked against: for full-context and causal models, at full context and with chunk masks.

  OMP_NUM_THREADS=1 /usr/bin/python3 training/test_train.py
"""
import argparse
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402
from speechmoe_ref.config import parse_config  # noqa: E402
from speechmoe_ref.model import SpeechMoE  # noqa: E402


def small_model(causal):
    args = argparse.Namespace(d=32, heads=2, blocks=2, hidden=48, embed_d=16, embed_heads=2, embed_blocks=1,
                              embed_scale=0.01, l1_scale=0.1, imp_scale=0.1, experts=3, lr=1e-3, warmup=1,
                              minutes=1, causal=causal)
    model = SpeechMoE(parse_config(train.train_yaml(args)), len(train.make_units()))
    train.init_model(model, 5)
    with torch.no_grad():  # biases away from zero, so that glu(bias) padding differs from zero padding
        for name, p in model.named_parameters():
            if name.endswith(".bias"):
                p.uniform_(-0.5, 0.5)
    return model.eval()


class TrainingForwardTest(unittest.TestCase):
    def check(self, causal, chunk):
        torch.manual_seed(3)
        model = small_model(causal)
        lens = torch.tensor([173, 120, 61])
        feats = torch.randn(3, 173, 80)
        with torch.no_grad():
            logp, _, olens, infos = train.model_forward(model, feats, lens, chunk)
            for b in range(3):
                ref = model(feats[b, :lens[b]], chunk_size=chunk)
                n = int(olens[b])
                self.assertEqual(n, ref["logp"].shape[0])
                torch.testing.assert_close(logp[b, :n], ref["logp"], atol=2e-4, rtol=0)

    def test_full_context(self):
        self.check(False, 0)

    def test_causal_full_context(self):
        self.check(True, 0)

    def test_causal_chunks(self):
        for chunk in (1, 4, 16):
            with self.subTest(chunk=chunk):
                self.check(True, chunk)

    def test_dynamic_chunk_is_full_context_or_1_to_25(self):
        import random
        rng = random.Random(1)
        seen = [train.dynamic_chunk(200, rng) for _ in range(2000)]
        self.assertTrue(all(c == 0 or 1 <= c <= 25 for c in seen))
        self.assertTrue(0.35 < seen.count(0) / len(seen) < 0.65)


if __name__ == "__main__":
    torch.set_num_threads(1)
    unittest.main()

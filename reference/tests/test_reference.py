"""Self-checks of the reference. Run: /usr/bin/python3 -m unittest discover -s reference/tests"""
import copy
import json
import os
import sys
import unittest

import numpy as np
import torch

sys.dont_write_bytecode = True
REF = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REF)
TESTDATA = os.path.join(os.path.dirname(REF), "testdata")

from speechmoe_ref import load_model  # noqa: E402
from speechmoe_ref.checkpoint import load_safetensors, load_state_dict_file, tensor_summary  # noqa: E402
from speechmoe_ref.config import ConfigError, parse_config  # noqa: E402
from speechmoe_ref.decode import ctc_greedy  # noqa: E402
from speechmoe_ref.model import MoEFeedForward  # noqa: E402
from speechmoe_ref.config import MoeConf  # noqa: E402
from speechmoe_ref.model import chunk_mask  # noqa: E402
from speechmoe_ref.streaming import forward_chunked  # noqa: E402


def manifest():
    with open(os.path.join(TESTDATA, "fixtures", "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


class FixtureTest(unittest.TestCase):
    def test_fixtures_reproduce(self):
        for m in manifest()["models"]:
            mdir = os.path.join(TESTDATA, "fixtures", m["name"])
            lm = load_model(mdir)
            for stem in m["wavs"]:
                res = lm.run_wav(os.path.join(TESTDATA, "wav", stem + ".wav"))
                wdir = os.path.join(mdir, stem)
                self.assert_files(wdir, res, "%s/%s" % (m["name"], stem))
                for c in m.get("chunks", []):
                    masked = lm.model(res["feats"], chunk_size=c["chunk_size"], left_chunks=c["left_chunks"])
                    self.assert_files(os.path.join(wdir, c["dir"]), masked, "%s/%s/%s" % (m["name"], stem, c["dir"]))
                    chunked = forward_chunked(lm.model, res["feats"], c["chunk_size"], c["left_chunks"])
                    self.assert_files(os.path.join(wdir, c["dir"]), chunked, "%s/%s/%s chunked" % (m["name"], stem, c["dir"]),
                                      atol=3e-5)

    def assert_files(self, wdir, res, where, atol=2e-5):
        # another machine's BLAS rounds differently: the committed files differ from a fresh run in the last bits
        for fn in sorted(os.listdir(wdir)):
            if not fn.endswith(".npy"):
                continue
            want = np.load(os.path.join(wdir, fn))
            got = res[fn[:-4]].numpy()
            self.assertEqual(got.shape, want.shape, (where, fn))
            np.testing.assert_allclose(got, want, atol=atol, rtol=0, err_msg="%s/%s" % (where, fn))

    def test_tensors_json_and_safetensors(self):
        for m in manifest()["models"]:
            mdir = os.path.join(TESTDATA, "fixtures", m["name"])
            sd = load_state_dict_file(os.path.join(mdir, "final.pt"))
            with open(os.path.join(mdir, "tensors.json"), encoding="utf-8") as f:
                table = json.load(f)
            self.assertEqual(list(table), list(sd))
            for k, v in sd.items():
                self.assertEqual(tensor_summary(v), table[k])
            if m["safetensors"]:
                st = load_safetensors(os.path.join(mdir, "model.safetensors"))
                self.assertEqual(list(st), list(sd))
                for k in sd:
                    self.assertTrue(torch.equal(st[k], sd[k]), k)

    def test_hostile_checkpoints_refused(self):
        cdir = os.path.join(TESTDATA, "checkpoints")
        for name in ("evil_reduce.pt", "evil_global.pt"):
            with self.assertRaises(Exception):
                load_state_dict_file(os.path.join(cdir, name))
        with open(os.path.join(cdir, "expected.json"), encoding="utf-8") as f:
            exp = json.load(f)
        for name in ("legacy.pt", "half.pt", "nested.pt"):
            sd = load_state_dict_file(os.path.join(cdir, name))
            for k, v in sd.items():
                want = dict(exp[name]["tensors"][k])
                for extra in ("stride", "storage_offset", "storage_numel"):
                    want.pop(extra, None)
                self.assertEqual(tensor_summary(v), want, (name, k))


class GraphTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.moe = MoEFeedForward(8, 6, MoeConf(num_experts=5, hidden_units=12, router_with_bias=True), "swish")
        for p in self.moe.parameters():
            torch.nn.init.normal_(p, std=0.5)
        self.y, self.e = torch.randn(40, 8), torch.randn(40, 6)

    def test_sparse_equals_dense(self):
        a = self.moe(self.y, self.e)
        b = self.moe(self.y, self.e, dense=True)
        self.assertTrue(torch.equal(a[2], b[2]))
        torch.testing.assert_close(a[0], b[0], atol=1e-6, rtol=0)

    def test_frame_permutation(self):
        perm = torch.randperm(40)
        a = self.moe(self.y, self.e)
        b = self.moe(self.y[perm], self.e[perm])
        self.assertTrue(torch.equal(a[2][perm], b[2]))
        torch.testing.assert_close(a[0][perm], b[0], atol=1e-6, rtol=0)

    def test_expert_permutation(self):
        perm = torch.randperm(5)
        m2 = copy.deepcopy(self.moe)
        with torch.no_grad():
            m2.router_weights.copy_(self.moe.router_weights[:, perm])
            m2.router_bias.copy_(self.moe.router_bias[perm])
            for lin in ("w_1", "w_2"):
                for p in ("weight", "bias"):
                    getattr(getattr(m2.experts, lin), p).copy_(getattr(getattr(self.moe.experts, lin), p)[perm])
        a, b = self.moe(self.y, self.e), m2(self.y, self.e)
        torch.testing.assert_close(a[0], b[0], atol=1e-6, rtol=0)
        self.assertTrue(torch.equal(perm[b[2]], a[2]))
        self.assertTrue(bool(((a[3] >= 1 / 5) & (a[3] <= 1)).all()))

    def test_greedy(self):
        lp = torch.full((7, 4), -5.0)
        for t, k in enumerate([0, 2, 2, 0, 2, 3, 3]):
            lp[t, k] = 0.0
        self.assertEqual(ctc_greedy(lp), [2, 2, 3])

    def test_chunk_mask(self):
        m = chunk_mask(5, 2).int().tolist()
        self.assertEqual(m, [[1, 1, 0, 0, 0], [1, 1, 0, 0, 0], [1, 1, 1, 1, 0], [1, 1, 1, 1, 0], [1, 1, 1, 1, 1]])
        m = chunk_mask(6, 2, 1).int().tolist()
        self.assertEqual(m[5], [0, 0, 1, 1, 1, 1])
        self.assertEqual(m[1], [1, 1, 0, 0, 0, 0])

    def test_full_context_model_refuses_chunks(self):
        m = manifest()["models"][0]
        lm = load_model(os.path.join(TESTDATA, "fixtures", m["name"]))
        with self.assertRaises(ValueError):
            forward_chunked(lm.model, torch.zeros(40, 80), 4)

    def test_rejects_post_norm(self):
        cfg = {"nnet_proto": "conformer_moe_catEmbed", "model_conf": {"normalize_before": False}}
        with self.assertRaises(ConfigError):
            parse_config(cfg)
        cfg = {"nnet_proto": "conformer_aed_moe_catEmbed",
               "model_conf": {"encoder_conf": {"embed_conf": {"normalize_before": False}}}}
        with self.assertRaises(ConfigError):
            parse_config(cfg)


if __name__ == "__main__":
    unittest.main()

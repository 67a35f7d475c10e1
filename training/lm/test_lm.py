#!/usr/bin/env python3
"""Small checks of the LM recipe's own code (no Debian text package needed except what make_data imports).

  /usr/bin/python3 -m unittest training/lm/test_lm.py
"""
import math
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fix_unk  # noqa: E402
import prepare_corpus as pc  # noqa: E402

ARPA = """
\\data\\
ngram 1=4
ngram 2=1

\\1-grams:
-0.5228787\t<unk>\t-0.3
-0.3979400\tthe\t-0.2
-0.5228787\t</s>
-99\t<s>\t-0.1

\\2-grams:
-0.1\t<s> the

\\end\\
"""


class TestNormalization(unittest.TestCase):
    def test_sentences_spell_as_the_acoustic_units(self):
        text = "\u201cI\u2019ll pay 25 dollars\u2014tomorrow,\u201d he said.  Caf\u00e9 au lait? Mr. Smith left."
        self.assertEqual(list(pc.sentences(text)),
                         ["i'll pay twenty five dollars tomorrow he said", "cafe au lait", "smith left"])
        # (make_data's split: a sentence ends at [.!?] + space, so "Mr." is a one-word sentence, dropped)

    def test_one_word_and_acronyms_are_dropped(self):
        self.assertEqual(list(pc.sentences("Yes. The NASA probe. Ok then.")), ["ok then"])


class TestFixUnk(unittest.TestCase):
    def test_unk_set_and_unigrams_renormalized(self):
        with tempfile.TemporaryDirectory() as d:
            src, dst = os.path.join(d, "a.arpa"), os.path.join(d, "b.arpa")
            with open(src, "w") as f:
                f.write(ARPA)
            old = fix_unk.fix_unk(src, dst, 0.01)
            self.assertAlmostEqual(old, 0.3, places=6)
            uni = {}
            for line in open(dst).read().split("\\1-grams:\n")[1].split("\n\n")[0].split("\n"):
                p = line.split("\t")
                uni[p[1]] = (float(p[0]), p[2:] if len(p) > 2 else [])
            self.assertAlmostEqual(10 ** uni["<unk>"][0], 0.01, places=6)
            # the: 0.4 * 0.99 / 0.7; </s>: 0.3 * 0.99 / 0.7 -> the unigrams still sum to one
            self.assertAlmostEqual(10 ** uni["the"][0], 0.4 * 0.99 / 0.7, places=5)
            self.assertAlmostEqual(sum(10 ** v for v, _ in uni.values()), 1.0, places=5)
            self.assertEqual(uni["the"][1], ["-0.2"])           # backoff weights untouched
            self.assertIn("-0.1\t<s> the", open(dst).read())    # higher orders untouched


class TestHeldOutPrompts(unittest.TestCase):
    @unittest.skipUnless(os.path.isdir("/usr/share/games/fortunes")
                         and os.path.isdir("/usr/share/asterisk/sounds/en_US_f_Allison"),
                         "fortunes / asterisk-core-sounds-en-wav not installed")
    def test_known_test_prompts_are_held_out(self):
        p = pc.held_out_prompts()
        # samples/README.md: test_syn_00002 and an Asterisk test-split prompt
        self.assertIn("for best results follow directions carefully", p["test"])
        self.assertIn("all circuits are busy now", p["test"])
        self.assertFalse(p["test"] & p["dev"])


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""Writes small.arpa: a trigram back-off model of the little corpus below, for the language model tests.

Absolute discounting (D = 0.5) with back-off weights that make every context's distribution sum to 1 over the
vocabulary without <s> (the tests check that sum through the .smlm reader); <unk> takes the unigram mass left over.
Laid out as SRILM writes it: a comment before \\data\\, tabs around the words, -99 as the log of 0 for <s>.
Deterministic: run it again and the file is the same (python3 testdata/lm/make-small-arpa.py).
"""
import math
import os
from collections import Counter, defaultdict

CORPUS = """\
the cat sat on the mat
the dog sat on the log
a cat and a dog sat together
the cat saw the dog
the dog saw a bird
a bird sat on the cat
The café on the corner is open
the café is closed on sunday
it is cold on sunday
it is warm in the café
the bird is on the mat
we saw the naïve cat in the café
"""
D = 0.5


def log10(p):
    return math.log10(p)


def main():
    sentences = [["<s>"] + line.split() + ["</s>"] for line in CORPUS.splitlines() if line.strip()]
    uni = Counter()
    bi = Counter()
    tri = Counter()
    for s in sentences:
        for i, w in enumerate(s):
            if w != "<s>":
                uni[w] += 1
            if i >= 1:
                bi[(s[i - 1], w)] += 1
            if i >= 2:
                tri[(s[i - 2], s[i - 1], w)] += 1

    total = sum(uni.values())
    p1 = {w: (c - D) / total for w, c in uni.items()}
    p1["<unk>"] = D * len(uni) / total

    def continuations(counts, order):
        by_context = defaultdict(dict)
        for ngram, c in counts.items():
            by_context[ngram[:order - 1]][ngram[-1]] = c
        return by_context

    bi_after = continuations(bi, 2)
    tri_after = continuations(tri, 3)

    p2 = {}
    bo1 = {}
    for (h,), seen in bi_after.items():
        n = sum(seen.values())
        for w, c in seen.items():
            p2[(h, w)] = (c - D) / n
        bo1[h] = (D * len(seen) / n) / (1 - sum(p1[w] for w in seen))

    def bigram(h, w):
        if (h, w) in p2:
            return p2[(h, w)]
        return bo1.get(h, 1.0) * p1[w]

    p3 = {}
    bo2 = {}
    for (u, v), seen in tri_after.items():
        n = sum(seen.values())
        for w, c in seen.items():
            p3[(u, v, w)] = (c - D) / n
        bo2[(u, v)] = (D * len(seen) / n) / (1 - sum(bigram(v, w) for w in seen))

    vocabulary = ["<unk>", "<s>"] + sorted(w for w in uni if w != "<unk>")
    out = [
        "# A trigram model of twelve sentences, written by make-small-arpa.py for the tests.",
        "",
        "\\data\\",
        "ngram 1=%d" % len(vocabulary),
        "ngram 2=%d" % len(p2),
        "ngram 3=%d" % len(p3),
        "",
        "\\1-grams:",
    ]
    for w in vocabulary:
        prob = "-99" if w == "<s>" else "%.6f" % log10(p1[w])
        back = "\t%.6f" % log10(bo1[w]) if w in bo1 else ""
        out.append("%s\t%s%s" % (prob, w, back))
    out += ["", "\\2-grams:"]
    for (h, w) in sorted(p2):
        back = "\t%.6f" % log10(bo2[(h, w)]) if (h, w) in bo2 else ""
        out.append("%.6f\t%s %s%s" % (log10(p2[(h, w)]), h, w, back))
    out += ["", "\\3-grams:"]
    for ngram in sorted(p3):
        out.append("%.6f\t%s" % (log10(p3[ngram]), " ".join(ngram)))
    out += ["", "\\end\\", ""]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "small.arpa")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()

"""CTC decoding."""
from typing import List

import torch


def ctc_greedy(logp: torch.Tensor, blank: int = 0) -> List[int]:
    """argmax per frame (ties -> lowest id), merge repeats, drop blanks."""
    best = torch.argmax(logp, dim=-1).tolist()
    out, prev = [], None
    for tok in best:
        if tok != prev and tok != blank:
            out.append(tok)
        prev = tok
    return out

"""PyTorch reference of the SpeechMoE (tencent-ailab/3m-asr) CTC inference graph."""
import os
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch

from .checkpoint import encoder_state, find_checkpoint, load_state_dict_file
from .config import ModelConfig, load_config, load_units
from .decode import ctc_greedy
from .features import apply_cmvn, fbank, load_global_cmvn, read_wav
from .model import SpeechMoE
from .streaming import forward_chunked


def total_experts(cfg: ModelConfig, sd) -> int:
    """moe_conf.num_experts is the number of experts *per training GPU* (3m-asr builds the router with
    num_experts * world_size columns and state_dict_comm gathers every GPU's experts into one tensor),
    so the checkpoint, not train.yaml, tells how many experts there are."""
    rw = sd.get("blocks.0.feed_forward.router_weights")
    if rw is None:
        return cfg.moe.num_experts
    total = int(rw.shape[1])
    if total % cfg.moe.num_experts != 0:
        raise ValueError("router has %d experts, not a multiple of moe_conf.num_experts=%d"
                         % (total, cfg.moe.num_experts))
    return total


class LoadedModel:
    def __init__(self, model_dir: str, checkpoint: str = None):
        self.dir = model_dir
        self.cfg: ModelConfig = load_config(os.path.join(model_dir, "train.yaml"))
        self.units: List[str] = load_units(os.path.join(model_dir, "units.txt"))
        self.mean, self.istd = load_global_cmvn(os.path.join(model_dir, "global_cmvn"))
        sd = encoder_state(self.cfg, load_state_dict_file(checkpoint or find_checkpoint(model_dir)))
        self.cfg.moe.num_experts = total_experts(self.cfg, sd)
        self.model = SpeechMoE(self.cfg, len(self.units))
        self.model.load_state_dict(sd, strict=True)
        self.model.eval()

    def features(self, samples: np.ndarray, rate: int) -> Tuple[torch.Tensor, torch.Tensor]:
        fc = self.cfg.fbank_conf
        fb = fbank(samples, rate, num_mel_bins=self.cfg.num_mel_bins,
                   frame_length=fc.get("frame_length", 25), frame_shift=fc.get("frame_shift", 10))
        return fb, apply_cmvn(fb, self.mean, self.istd)

    def run(self, samples: np.ndarray, rate: int, dense_moe: bool = False, chunk_size: Optional[int] = None,
            left_chunks: int = -1, streamed: bool = False) -> Dict[str, torch.Tensor]:
        """chunk_size None: as 3m-asr decodes; else attention masked to chunks (``SpeechMoE.forward``), or
        with ``streamed`` the chunk-by-chunk forward with caches (``streaming.forward_chunked``)."""
        fb, feats = self.features(samples, rate)
        if streamed:
            out = forward_chunked(self.model, feats, chunk_size, left_chunks, dense_moe=dense_moe)
        else:
            out = self.model(feats, dense_moe=dense_moe, chunk_size=chunk_size, left_chunks=left_chunks)
        out["fbank"], out["feats"] = fb, feats
        out["greedy_ids"] = torch.tensor(ctc_greedy(out["logp"], self.model.blank_idx), dtype=torch.int32)
        return out

    def run_wav(self, path: str, dense_moe: bool = False, **chunking) -> Dict[str, torch.Tensor]:
        samples, rate = read_wav(path)
        return self.run(samples, rate, dense_moe=dense_moe, **chunking)


def load_model(model_dir: str, checkpoint: str = None) -> LoadedModel:
    return LoadedModel(model_dir, checkpoint)

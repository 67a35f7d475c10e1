"""Audio -> Kaldi fbank -> global CMVN, as 3m-asr computes them at decoding time (spec §1, §4.1-4.2)."""
import json
import math
import wave
from typing import Tuple

import numpy as np
import torch
import torchaudio

SAMPLE_RATE = 16000

# Every fbank option written out, so nothing depends on torchaudio's defaults.
# 3m-asr passes num_mel_bins/frame_length/frame_shift/dither/energy_floor/sample_frequency;
# the rest are torchaudio.compliance.kaldi.fbank's defaults. dither is forced to 0 at
# decoding (bin/recognize.py sets fbank_conf.dither = 0.0 whatever train.yaml says).
FBANK_OPTS = dict(
    num_mel_bins=80,
    frame_length=25.0,
    frame_shift=10.0,
    dither=0.0,
    energy_floor=0.0,
    sample_frequency=float(SAMPLE_RATE),
    window_type="povey",
    preemphasis_coefficient=0.97,
    remove_dc_offset=True,
    snip_edges=True,
    round_to_power_of_two=True,   # FFT size 512 for a 400-sample window
    use_power=True,
    use_log_fbank=True,           # natural log, floored at float32 epsilon
    use_energy=False,
    raw_energy=True,
    htk_compat=False,
    low_freq=20.0,
    high_freq=0.0,                # 0 -> Nyquist
    subtract_mean=False,
    vtln_warp=1.0,
)


def read_wav(path: str) -> Tuple[np.ndarray, int]:
    """PCM WAV -> (float32 samples in [-1, 1], sample rate). Multi-channel: channel 0
    (what kaldi.fbank does with a multi-channel waveform)."""
    with wave.open(path, "rb") as w:
        nch, width, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
        raw = w.readframes(n)
    if width == 2:
        data = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 4:
        data = (np.frombuffer(raw, dtype="<i4").astype(np.float64) / 2147483648.0).astype(np.float32)
    elif width == 1:
        data = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v = np.where(v >= 1 << 23, v - (1 << 24), v)
        data = (v.astype(np.float64) / float(1 << 23)).astype(np.float32)
    else:
        raise ValueError("unsupported sample width %d" % width)
    data = data.reshape(-1, nch)[:, 0]
    return np.ascontiguousarray(data), rate


def write_wav(path: str, samples_int16: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples_int16, dtype="<i2").tobytes())


def fbank(samples: np.ndarray, rate: int = SAMPLE_RATE, num_mel_bins: int = 80,
          frame_length: float = 25.0, frame_shift: float = 10.0) -> torch.Tensor:
    """float samples in [-1, 1] -> (T, num_mel_bins) float32 log-mel fbank (before CMVN)."""
    wav = torch.from_numpy(np.asarray(samples, dtype=np.float32)).unsqueeze(0)
    if rate != SAMPLE_RATE:
        wav = torchaudio.functional.resample(wav, rate, SAMPLE_RATE)
    wav = wav * 32768.0
    opts = dict(FBANK_OPTS, num_mel_bins=num_mel_bins, frame_length=float(frame_length),
                frame_shift=float(frame_shift))
    return torchaudio.compliance.kaldi.fbank(wav, **opts)


def load_global_cmvn(path: str) -> Tuple[torch.Tensor, torch.Tensor]:
    """WeNet JSON cmvn -> (mean, istd) float32, computed in double like 3m-asr's load_json_cmvn."""
    with open(path, "r", encoding="utf-8") as f:
        stats = json.load(f)
    n = float(stats["frame_num"])
    mean, istd = [], []
    for m, v in zip(stats["mean_stat"], stats["var_stat"]):
        mu = float(m) / n
        var = float(v) / n - mu * mu
        if var < 1.0e-20:
            var = 1.0e-20
        mean.append(mu)
        istd.append(1.0 / math.sqrt(var))
    return (torch.tensor(np.array(mean, dtype=np.float32)),
            torch.tensor(np.array(istd, dtype=np.float32)))


def apply_cmvn(feats: torch.Tensor, mean: torch.Tensor, istd: torch.Tensor) -> torch.Tensor:
    return (feats - mean) * istd

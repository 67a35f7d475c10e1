"""Reading the side files of a trained 3m-asr SpeechMoE model: train.yaml, units.txt.

train.yaml follows 3m-asr's example configs:
  * ``nnet_proto: conformer_moe_catEmbed``      -> CTC-only model, encoder keys in ``model_conf``
  * ``nnet_proto: conformer_aed_moe_catEmbed``  -> joint CTC/AED model, encoder keys in
    ``model_conf.encoder_conf`` (decoder in ``model_conf.decoder_conf``, ignored here)
In both cases ``moe_conf`` and ``embed_conf`` sit *inside* the encoder conf, as the keyword
arguments of the encoder's constructor.
"""
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import yaml

CTC_PROTO = "conformer_moe_catEmbed"
AED_PROTO = "conformer_aed_moe_catEmbed"

ACTIVATIONS = ("swish", "relu")
INPUT_LAYERS = ("conv2d", "conv2d6", "conv2d8", "linear")


class ConfigError(ValueError):
    """A train.yaml asks for something this reference (and the runtime contract) does not do."""


@dataclass
class EncoderConf:
    """Hyper-parameters of one Conformer encoder (main or embedding network); 3m-asr defaults."""
    attention_dim: int = 256
    attention_heads: int = 4
    linear_units: int = 2048
    num_blocks: int = 6
    input_layer: str = "conv2d"
    pos_enc_layer_type: str = "rel_pos"
    normalize_before: bool = True
    concat_after: bool = False
    macaron_style: bool = True
    activation_type: str = "swish"
    use_cnn_module: bool = True
    cnn_module_kernel: int = 15
    cnn_module_norm: str = "batch_norm"
    causal: bool = False
    conv_subsample_in_ch: int = 1
    static_chunk_size: int = 0
    use_dynamic_chunk: bool = False
    use_dynamic_left_chunk: bool = False
    blank_idx: int = 0

    def validate(self, where: str) -> None:
        def bad(msg):
            raise ConfigError("%s: %s" % (where, msg))
        if not self.normalize_before:
            bad("normalize_before: false (post-norm Conformer) is not supported; "
                "only the pre-norm layout (normalize_before: true) is implemented")
        if self.concat_after:
            bad("concat_after: true is not supported (concat_linear is saved but unused)")
        if self.pos_enc_layer_type != "rel_pos":
            bad("pos_enc_layer_type %r is not supported; only rel_pos" % self.pos_enc_layer_type)
        if self.activation_type not in ACTIVATIONS:
            bad("activation_type %r is not supported; one of %s" % (self.activation_type, ACTIVATIONS))
        if self.input_layer not in INPUT_LAYERS:
            bad("input_layer %r is not supported; one of %s" % (self.input_layer, INPUT_LAYERS))
        if self.cnn_module_norm not in ("batch_norm", "layer_norm"):
            bad("cnn_module_norm %r is not supported" % self.cnn_module_norm)
        if self.conv_subsample_in_ch != 1:
            bad("conv_subsample_in_ch must be 1")
        if self.static_chunk_size < 0:
            bad("static_chunk_size must not be negative")
        if self.attention_dim % self.attention_heads != 0:
            bad("attention_dim must be divisible by attention_heads")
        if self.use_cnn_module and (self.cnn_module_kernel - 1) % 2 != 0:
            bad("cnn_module_kernel must be odd")

    def default_chunk(self) -> int:
        """The chunk size (output frames) that 3m-asr's full-context decoding (decoding_chunk_size -1)
        masks attention to: a static_chunk_size without use_dynamic_chunk, else none (0)
        (trainer/utils/mask.py add_optional_chunk_mask)."""
        return self.static_chunk_size if not self.use_dynamic_chunk else 0


@dataclass
class MoeConf:
    num_experts: int = 4
    hidden_units: int = 1024
    router_with_bias: bool = False
    keep_expert_output: bool = False
    capacity_factor: float = -1.0  # training only (ignored at inference by fastmoe too)


@dataclass
class ModelConfig:
    nnet_proto: str
    encoder: EncoderConf
    embed: EncoderConf
    moe: MoeConf
    num_mel_bins: int = 80
    fbank_conf: Dict[str, Any] = field(default_factory=dict)
    raw: Dict[str, Any] = field(default_factory=dict)

    @property
    def is_aed(self) -> bool:
        return self.nnet_proto == AED_PROTO

    @property
    def key_prefix(self) -> str:
        return "encoder." if self.is_aed else ""


_ENC_FIELDS = set(EncoderConf.__dataclass_fields__)
_MOE_FIELDS = set(MoeConf.__dataclass_fields__)


def _encoder_conf(d: Dict[str, Any]) -> EncoderConf:
    # keys the runtime does not care about (dropouts, embed_scale, ...) are skipped
    return EncoderConf(**{k: v for k, v in d.items() if k in _ENC_FIELDS})


def parse_config(cfg: Dict[str, Any]) -> ModelConfig:
    proto = cfg.get("nnet_proto")
    if proto not in (CTC_PROTO, AED_PROTO):
        raise ConfigError("nnet_proto %r is not a SpeechMoE model (%s or %s)" % (proto, CTC_PROTO, AED_PROTO))
    model_conf = cfg.get("model_conf") or {}
    enc = model_conf.get("encoder_conf") if proto == AED_PROTO else model_conf
    if enc is None:
        raise ConfigError("model_conf.encoder_conf is missing")
    encoder = _encoder_conf(enc)
    embed = _encoder_conf(enc.get("embed_conf") or {})
    moe = MoeConf(**{k: v for k, v in (enc.get("moe_conf") or {}).items() if k in _MOE_FIELDS})
    encoder.validate("encoder")
    embed.validate("embed_conf")
    fbank_conf = dict((cfg.get("dataset_conf") or {}).get("fbank_conf") or {})
    return ModelConfig(nnet_proto=proto, encoder=encoder, embed=embed, moe=moe,
                       num_mel_bins=int(fbank_conf.get("num_mel_bins", 80)),
                       fbank_conf=fbank_conf, raw=cfg)


def load_config(path: str) -> ModelConfig:
    with open(path, "r", encoding="utf-8") as f:
        return parse_config(yaml.safe_load(f))


def load_units(path: str) -> List[str]:
    """units.txt: one ``token id`` pair a line -> list indexed by id."""
    table: Dict[int, str] = {}
    with open(path, "r", encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                raise ValueError("bad units.txt line: %r" % line)
            table[int(parts[1])] = parts[0]
    n = len(table)
    if sorted(table) != list(range(n)):
        raise ValueError("units.txt ids are not 0..%d" % (n - 1))
    return [table[i] for i in range(n)]


def ids_to_text(ids, units: List[str]) -> str:
    """Join pieces; ``▁`` marks a word start."""
    text = "".join(units[i] for i in ids)
    return text.replace("\u2581", " ").strip()

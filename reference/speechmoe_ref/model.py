"""The SpeechMoE inference graph (spec §3-§4) as plain PyTorch modules.

Module and parameter names are chosen so that ``state_dict()`` has exactly the keys (and the
order) of a 3m-asr checkpoint, parameters the forward pass does not use included
(``concat_linear``, ``embed.out_linear``, BatchNorm ``num_batches_tracked``): a checkpoint loads
with ``strict=True`` and a mismatch in naming is an error, not a silent skip.

Everything runs on one utterance (batch 1, no padding masks). ``SpeechMoE.forward`` takes an optional
chunk size: attention is then masked to "my chunk and the chunks before it" (3m-asr's
``subsequent_chunk_mask``), which is what chunk-by-chunk streaming (``streaming.py``) must equal.
"""
import math
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .config import EncoderConf, MoeConf, ModelConfig

LN_EPS = 1e-12       # every LayerNorm of the encoders ...
CONV_NORM_EPS = 1e-5  # ... except the conv module's LayerNorm / BatchNorm (PyTorch default)


def activation_fn(name: str):
    if name == "swish":
        return lambda x: x * torch.sigmoid(x)
    if name == "relu":
        return F.relu
    raise ValueError("unsupported activation %r" % name)


def chunk_mask(size: int, chunk: int, left_chunks: int = -1) -> torch.Tensor:
    """(size, size) bool: query i may see key j. 3m-asr/WeNet ``subsequent_chunk_mask``: the keys of
    i's chunk and of all earlier chunks, or of the ``left_chunks`` chunks before it when >= 0."""
    ret = torch.zeros(size, size, dtype=torch.bool)
    for i in range(size):
        start = 0 if left_chunks < 0 else max((i // chunk - left_chunks) * chunk, 0)
        ret[i, start:min((i // chunk + 1) * chunk, size)] = True
    return ret


def rel_positional_encoding(length: int, d: int) -> torch.Tensor:
    """(length, d) sinusoid table, computed in float32 the way 3m-asr/WeNet build it:
    div = exp(arange(0, d, 2) * -(ln(10000)/d)); pe[:, 0::2] = sin(t*div); pe[:, 1::2] = cos(t*div)."""
    pos = torch.arange(0, length, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * -(math.log(10000.0) / d))
    pe = torch.zeros(length, d)
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div)
    return pe


# ---------------------------------------------------------------------------------------------
# Subsampling (names: subsampling.conv.{0,2[,4]}, subsampling.out[.0])
# ---------------------------------------------------------------------------------------------
class Conv2dSubsampling(nn.Module):
    """conv2d (4x), conv2d6 (6x), conv2d8 (8x): Conv2d/ReLU stack, then a Linear over the
    flattened (channel-major: index c*F' + f) frequency axis."""

    def __init__(self, idim: int, odim: int, kind: str = "conv2d"):
        super().__init__()
        if kind == "conv2d":
            specs = [(3, 2), (3, 2)]
        elif kind == "conv2d6":
            specs = [(3, 2), (5, 3)]
        elif kind == "conv2d8":
            specs = [(3, 2), (3, 2), (3, 2)]
        else:
            raise ValueError(kind)
        layers: List[nn.Module] = []
        f, cin = idim, 1
        for k, s in specs:
            layers += [nn.Conv2d(cin, odim, k, s), nn.ReLU()]
            f = (f - k) // s + 1
            cin = odim
        self.conv = nn.Sequential(*layers)
        self.freq_out = f
        lin = nn.Linear(odim * f, odim)
        # 3m-asr wraps the 4x Linear in a Sequential (key "out.0.*"); 6x/8x use a bare Linear ("out.*")
        self.out = nn.Sequential(lin) if kind == "conv2d" else lin
        self.kind = kind

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (T, idim) -> (T', odim), the Linear output before any scaling."""
        h = self.conv(x.unsqueeze(0).unsqueeze(0))          # (1, C, T', F')
        _, c, t, f = h.shape
        h = h.transpose(1, 2).reshape(1, t, c * f)[0]      # (T', C*F'), channel-major
        return self.out(h)


class LinearSubsampling(nn.Module):
    """input_layer: linear (no subsampling): Linear -> LayerNorm(eps 1e-12). Keys out.0, out.1."""

    def __init__(self, idim: int, odim: int):
        super().__init__()
        self.out = nn.Sequential(nn.Linear(idim, odim), nn.LayerNorm(odim, eps=LN_EPS))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(x)


def make_subsampling(conf: EncoderConf, idim: int) -> nn.Module:
    if conf.input_layer == "linear":
        return LinearSubsampling(idim, conf.attention_dim)
    return Conv2dSubsampling(idim, conf.attention_dim, conf.input_layer)


# ---------------------------------------------------------------------------------------------
# Block components
# ---------------------------------------------------------------------------------------------
class RelPosSelfAttention(nn.Module):
    """Self-attention with the rel_pos terms of 3m-asr (no relative shift)."""

    def __init__(self, n_head: int, d: int):
        super().__init__()
        self.h, self.d_k = n_head, d // n_head
        # own parameters first, then the linears: the state_dict order of 3m-asr
        self.pos_bias_u = nn.Parameter(torch.zeros(self.h, self.d_k))
        self.pos_bias_v = nn.Parameter(torch.zeros(self.h, self.d_k))
        self.linear_q = nn.Linear(d, d)
        self.linear_k = nn.Linear(d, d)
        self.linear_v = nn.Linear(d, d)
        self.linear_out = nn.Linear(d, d)
        self.linear_pos = nn.Linear(d, d, bias=False)

    def forward(self, y: torch.Tensor, pe: torch.Tensor, mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """pe: the table rows of y's positions; mask (T, T) bool, True = may attend (None: all)."""
        out, _, _ = self.forward_cached(y, pe, None, None, mask)
        return out

    def forward_cached(self, y: torch.Tensor, pe_keys: torch.Tensor, k_cache: Optional[torch.Tensor],
                       v_cache: Optional[torch.Tensor], mask: Optional[torch.Tensor] = None):
        """Attention of y's frames over the cached keys/values (h, N, d_k) followed by y's own.
        pe_keys holds the table rows of the keys' absolute positions (cache first): 3m-asr's
        position term q_v . p_s depends on key s's position alone (no relative shift), so with
        the keys at their absolute positions a chunk sees exactly what the masked full pass sees.
        Returns (output, keys, values) with the keys/values of cache and y together."""
        t = y.shape[0]
        q = self.linear_q(y).view(t, self.h, self.d_k)           # (T, h, d_k)
        k = self.linear_k(y).view(t, self.h, self.d_k).transpose(0, 1)  # (h, T, d_k)
        v = self.linear_v(y).view(t, self.h, self.d_k).transpose(0, 1)
        if k_cache is not None:
            k = torch.cat([k_cache, k], dim=1)
            v = torch.cat([v_cache, v], dim=1)
        n = k.shape[1]
        p = self.linear_pos(pe_keys).view(n, self.h, self.d_k).transpose(0, 1)
        qu = (q + self.pos_bias_u).transpose(0, 1)                # (h, T, d_k)
        qv = (q + self.pos_bias_v).transpose(0, 1)
        scores = (qu @ k.transpose(1, 2) + qv @ p.transpose(1, 2)) / math.sqrt(self.d_k)
        if mask is not None:
            # 3m-asr forward_attention: -inf before the softmax, 0 after it
            scores = scores.masked_fill(~mask, -float("inf"))
            attn = torch.softmax(scores, dim=-1).masked_fill(~mask, 0.0)
        else:
            attn = torch.softmax(scores, dim=-1)                  # (h, T, N)
        ctx = (attn @ v).transpose(0, 1).reshape(t, self.h * self.d_k)
        return self.linear_out(ctx), k, v


class FeedForward(nn.Module):
    """Dense position-wise FFN: w_2(act(w_1 x))."""

    def __init__(self, d: int, hidden: int, act: str):
        super().__init__()
        self.w_1 = nn.Linear(d, hidden)
        self.w_2 = nn.Linear(hidden, d)
        self.act = activation_fn(act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w_2(self.act(self.w_1(x)))


class ExpertLinear(nn.Module):
    """fastmoe FMoELinear layout: weight (E, out, in), bias (E, out)."""

    def __init__(self, num_experts: int, din: int, dout: int):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(num_experts, dout, din))
        self.bias = nn.Parameter(torch.zeros(num_experts, dout))

    def apply_expert(self, e: int, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight[e], self.bias[e])


class Experts(nn.Module):
    def __init__(self, num_experts: int, d: int, hidden: int, act: str):
        super().__init__()
        self.w_1 = ExpertLinear(num_experts, d, hidden)
        self.w_2 = ExpertLinear(num_experts, hidden, d)
        self.act = activation_fn(act)

    def apply_expert(self, e: int, x: torch.Tensor) -> torch.Tensor:
        return self.w_2.apply_expert(e, self.act(self.w_1.apply_expert(e, x)))


class MoEFeedForward(nn.Module):
    """SpeechMoE layer: router on [e_t ; y_t], top-1 dynamic routing, only the chosen expert runs."""

    def __init__(self, d: int, d_embed: int, moe: MoeConf, act: str):
        super().__init__()
        self.num_experts = moe.num_experts
        self.keep_expert_output = moe.keep_expert_output
        self.router_weights = nn.Parameter(torch.zeros(d_embed + d, moe.num_experts))
        if moe.router_with_bias:
            self.router_bias = nn.Parameter(torch.zeros(moe.num_experts))
        else:
            self.router_bias = None
        self.experts = Experts(moe.num_experts, d, moe.hidden_units, act)

    def route(self, y: torch.Tensor, e: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        logits = torch.cat([e, y], dim=-1) @ self.router_weights    # rows: embedding first
        if self.router_bias is not None:
            logits = logits + self.router_bias
        probs = torch.softmax(logits, dim=-1)
        idx = torch.argmax(probs, dim=-1)          # ties -> lowest index
        gate = probs.gather(1, idx.unsqueeze(1)).squeeze(1)
        return probs, idx, gate

    def forward(self, y: torch.Tensor, e: torch.Tensor, dense: bool = False):
        """Returns (output (T, d), router probs (T, E), routes (T,), gates (T,)).
        dense=True evaluates every expert and keeps the routed one (for checking)."""
        probs, idx, gate = self.route(y, e)
        out = torch.zeros_like(y)
        for k in range(self.num_experts):
            if dense:
                full = self.experts.apply_expert(k, y)
                out = torch.where((idx == k).unsqueeze(1), full, out)
                continue
            sel = torch.nonzero(idx == k, as_tuple=False).squeeze(1)
            if sel.numel() == 0:
                continue                       # an expert with no frame costs nothing
            out[sel] = self.experts.apply_expert(k, y.index_select(0, sel))
        if not self.keep_expert_output:
            out = out * gate.unsqueeze(1)
        return out, probs, idx, gate


class ConvModule(nn.Module):
    """causal: the depthwise convolution sees only the past. 3m-asr (trainer/layer/convolution.py)
    pads kernel - 1 zero frames on the left of the module's *input*, before pointwise_conv1, so the
    padding frames reach the depthwise convolution as glu(pointwise_conv1 bias), not as zeros; a
    streaming cache holds the last kernel - 1 input frames."""

    def __init__(self, d: int, kernel: int, norm: str, act: str, causal: bool = False):
        super().__init__()
        self.lorder = kernel - 1 if causal else 0
        self.pointwise_conv1 = nn.Conv1d(d, 2 * d, 1)
        self.depthwise_conv = nn.Conv1d(d, d, kernel, padding=0 if causal else (kernel - 1) // 2, groups=d)
        self.use_layer_norm = norm == "layer_norm"
        self.norm = nn.LayerNorm(d, eps=CONV_NORM_EPS) if self.use_layer_norm else nn.BatchNorm1d(d, eps=CONV_NORM_EPS)
        self.pointwise_conv2 = nn.Conv1d(d, d, 1)
        self.act = activation_fn(act)

    def forward(self, y: torch.Tensor, cache: Optional[torch.Tensor] = None) -> torch.Tensor:
        """y (T, d); cache (kernel - 1, d): the previous input frames of a causal module (None:
        zeros, the start of the utterance)."""
        return self.forward_cached(y, cache)[0]

    def forward_cached(self, y: torch.Tensor, cache: Optional[torch.Tensor] = None):
        """Returns (output (T, d), the new cache: the last kernel - 1 input frames, or None)."""
        new_cache = None
        if self.lorder > 0:
            if cache is None:
                cache = torch.zeros(self.lorder, y.shape[1], dtype=y.dtype)
            y = torch.cat([cache, y], dim=0)
            new_cache = y[-self.lorder:]
        x = y.t().unsqueeze(0)                     # (1, d, T)
        x = F.glu(self.pointwise_conv1(x), dim=1)  # first half * sigmoid(second half)
        x = self.depthwise_conv(x)
        if self.use_layer_norm:
            x = self.norm(x.transpose(1, 2)).transpose(1, 2)
        else:
            x = self.norm(x)                       # eval mode: running statistics
        x = self.pointwise_conv2(self.act(x))
        return x[0].t(), new_cache


class ConformerBlock(nn.Module):
    """Pre-norm macaron Conformer block; ``moe`` given -> the FFN is the SpeechMoE layer."""

    def __init__(self, conf: EncoderConf, ffn_hidden: int, act: str,
                 moe: Optional[MoeConf] = None, d_embed: int = 0):
        super().__init__()
        d = conf.attention_dim
        self.self_attn = RelPosSelfAttention(conf.attention_heads, d)
        if moe is not None:
            self.feed_forward = MoEFeedForward(d, d_embed, moe, act)
        else:
            self.feed_forward = FeedForward(d, ffn_hidden, act)
        self.feed_forward_macaron = FeedForward(d, ffn_hidden, act) if conf.macaron_style else None
        self.conv_module = (ConvModule(d, conf.cnn_module_kernel, conf.cnn_module_norm, act, conf.causal)
                            if conf.use_cnn_module else None)
        self.norm_ff = nn.LayerNorm(d, eps=LN_EPS)
        self.norm_mha = nn.LayerNorm(d, eps=LN_EPS)
        self.norm_ff_macaron = nn.LayerNorm(d, eps=LN_EPS) if conf.macaron_style else None
        self.norm_conv = nn.LayerNorm(d, eps=LN_EPS) if conf.use_cnn_module else None
        self.norm_final = nn.LayerNorm(d, eps=LN_EPS) if conf.use_cnn_module else None
        self.concat_linear = nn.Linear(2 * d, d)   # saved by 3m-asr, unused (concat_after false)
        self.ff_scale = 0.5 if conf.macaron_style else 1.0
        self.is_moe = moe is not None

    def forward(self, x: torch.Tensor, pe: torch.Tensor, embed: Optional[torch.Tensor] = None,
                dense_moe: bool = False, mask: Optional[torch.Tensor] = None):
        x, info, _ = self.forward_cached(x, pe, embed, dense_moe, mask, None)
        return x, info

    def forward_cached(self, x: torch.Tensor, pe_keys: torch.Tensor, embed: Optional[torch.Tensor] = None,
                       dense_moe: bool = False, mask: Optional[torch.Tensor] = None, cache=None):
        """cache: None, or (keys, values, conv input frames) of the frames before x (WeNet
        forward_chunk's att_cache and cnn_cache). Returns (x, routing info, new cache)."""
        info = None
        k_cache, v_cache, cnn_cache = cache if cache is not None else (None, None, None)
        if self.feed_forward_macaron is not None:
            x = x + self.ff_scale * self.feed_forward_macaron(self.norm_ff_macaron(x))
        att, k, v = self.self_attn.forward_cached(self.norm_mha(x), pe_keys, k_cache, v_cache, mask)
        x = x + att
        new_cnn = None
        if self.conv_module is not None:
            conv, new_cnn = self.conv_module.forward_cached(self.norm_conv(x), cnn_cache)
            x = x + conv
        y = self.norm_ff(x)
        if self.is_moe:
            h, probs, idx, gate = self.feed_forward(y, embed, dense=dense_moe)
            info = (probs, idx, gate)
        else:
            h = self.feed_forward(y)
        x = x + self.ff_scale * h
        if self.norm_final is not None:
            x = self.norm_final(x)
        return x, info, (k, v, new_cnn)


# ---------------------------------------------------------------------------------------------
# Encoders
# ---------------------------------------------------------------------------------------------
class EmbeddingNet(nn.Module):
    """The shared embedding network: a dense Conformer CTC encoder (3m-asr model/conformer.py).
    Its out_linear is the auxiliary CTC head of training; decoding does not use it."""

    def __init__(self, conf: EncoderConf, idim: int, vocab: int):
        super().__init__()
        self.conf = conf
        self.subsampling = make_subsampling(conf, idim)
        self.after_norm = nn.LayerNorm(conf.attention_dim, eps=LN_EPS)
        self.out_linear = nn.Linear(conf.attention_dim, vocab)
        self.blocks = nn.ModuleList([
            ConformerBlock(conf, conf.linear_units, conf.activation_type)
            for _ in range(conf.num_blocks)])

    def forward(self, feats: torch.Tensor, out: Dict[str, torch.Tensor],
                mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        d = self.conf.attention_dim
        x = self.subsampling(feats)
        out["embed_subsampling"] = x
        pe = rel_positional_encoding(x.shape[0], d).to(x.dtype)
        x = x * math.sqrt(d)
        for i, blk in enumerate(self.blocks):
            x, _ = blk(x, pe, mask=mask)
            out["embed_block_%d" % i] = x
        x = self.after_norm(x)
        out["embed"] = x
        return x


class SpeechMoE(nn.Module):
    """conformer_moe_catEmbed encoder. Key order: subsampling, after_norm, out_linear, embed, blocks."""

    def __init__(self, cfg: ModelConfig, vocab: int):
        super().__init__()
        enc, moe = cfg.encoder, cfg.moe
        self.cfg = cfg
        idim = cfg.num_mel_bins
        self.subsampling = make_subsampling(enc, idim)
        self.after_norm = nn.LayerNorm(enc.attention_dim, eps=LN_EPS)
        self.out_linear = nn.Linear(enc.attention_dim, vocab)
        self.embed = EmbeddingNet(cfg.embed, idim, vocab)
        # the dense macaron FFN of a MoE block uses moe_conf.hidden_units (not linear_units)
        self.blocks = nn.ModuleList([
            ConformerBlock(enc, moe.hidden_units, enc.activation_type, moe=moe,
                           d_embed=cfg.embed.attention_dim)
            for _ in range(enc.num_blocks)])
        self.blank_idx = enc.blank_idx

    @torch.no_grad()
    def forward(self, feats: torch.Tensor, dense_moe: bool = False, chunk_size: Optional[int] = None,
                left_chunks: int = -1) -> Dict[str, torch.Tensor]:
        """feats: (T, 80) after CMVN. Returns every intermediate result (see README).
        chunk_size (output frames): None decodes as 3m-asr does with decoding_chunk_size -1
        (full context, or the static_chunk_size mask of a model trained with one); <= 0 full
        context; > 0 masks attention of both networks to the chunk and ``left_chunks`` chunks
        before it (all when < 0). 3m-asr gives the embedding network the main encoder's mask."""
        if chunk_size is None:
            chunk_size = self.cfg.encoder.default_chunk()
        out: Dict[str, torch.Tensor] = {}
        d = self.cfg.encoder.attention_dim
        x = self.subsampling(feats)
        mask = chunk_mask(x.shape[0], chunk_size, left_chunks) if chunk_size > 0 else None
        e = self.embed(feats, out, mask)
        out["subsampling"] = x
        pe = rel_positional_encoding(x.shape[0], d).to(x.dtype)
        x = x * math.sqrt(d)
        routes, gates = [], []
        for i, blk in enumerate(self.blocks):
            x, (probs, idx, gate) = blk(x, pe, e, dense_moe=dense_moe, mask=mask)
            out["block_%d" % i] = x
            out["router_probs_%d" % i] = probs
            routes.append(idx)
            gates.append(gate)
        out["routes"] = torch.stack(routes).to(torch.int32)
        out["gates"] = torch.stack(gates)
        x = self.after_norm(x)
        out["hidden"] = x
        logits = self.out_linear(x)
        out["logits"] = logits
        out["logp"] = torch.log_softmax(logits, dim=-1)
        return out

package org.speechmoe.format.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * The tensors a SpeechMoE graph needs, derived from its configuration, in the canonical order a converter writes
 * them (the embedding network first, then the main encoder, as data flows). The names follow 3m-asr's state_dict
 * (see docs/GRAPH.md section 3).
 */
public final class GraphTensors {
    public static final String CMVN_MEAN = "cmvn.mean";
    public static final String CMVN_ISTD = "cmvn.istd";
    /** Matrices with fewer columns than this stay f32: a quantization block would cover a whole row or more. */
    static final long MIN_QUANTIZED_COLS = 32;

    private final List<GraphTensor> out = new ArrayList<>();

    private GraphTensors() {
    }

    public static List<GraphTensor> of(GraphConfig c) {
        GraphTensors t = new GraphTensors();
        int bins = c.features().numMelBins();
        t.param(CMVN_MEAN, bins);
        t.param(CMVN_ISTD, bins);
        t.encoder("embed.", c.embed(), c.features(), null, 0);
        t.param("embed.after_norm.weight", c.embed().attentionDim());
        t.param("embed.after_norm.bias", c.embed().attentionDim());
        t.encoder("", c.encoder(), c.features(), c.moe(), c.embed().attentionDim());
        int d = c.encoder().attentionDim();
        t.param("after_norm.weight", d);
        t.param("after_norm.bias", d);
        t.linear("out_linear", c.vocabSize(), d, true);
        return List.copyOf(t.out);
    }

    private void encoder(String p, EncoderConfig e, FeatureConfig f, MoeConfig moe, int embedDim) {
        int d = e.attentionDim();
        // conv2d subsampling: both kernels are stored as [out, in*3*3], the im2col matrices the runtime multiplies
        add(p + "subsampling.conv.0.weight", new long[] {d, 9}, new long[] {d, 1, 3, 3}, false);
        param(p + "subsampling.conv.0.bias", d);
        add(p + "subsampling.conv.2.weight", new long[] {d, 9L * d}, new long[] {d, d, 3, 3}, true);
        param(p + "subsampling.conv.2.bias", d);
        linear(p + "subsampling.out.0", d, (long) d * f.subsampledBins(), true);
        for (int i = 0; i < e.numBlocks(); i++) {
            String b = p + "blocks." + i + ".";
            if (e.macaronStyle()) {
                norm(b + "norm_ff_macaron", d);
                linear(b + "feed_forward_macaron.w_1", e.ffnUnits(), d, true);
                linear(b + "feed_forward_macaron.w_2", d, e.ffnUnits(), true);
            }
            norm(b + "norm_mha", d);
            for (String l : List.of("linear_q", "linear_k", "linear_v", "linear_out")) {
                linear(b + "self_attn." + l, d, d, true);
            }
            linear(b + "self_attn.linear_pos", d, d, false);
            add(b + "self_attn.pos_bias_u", new long[] {e.attentionHeads(), e.headDim()}, null, false);
            add(b + "self_attn.pos_bias_v", new long[] {e.attentionHeads(), e.headDim()}, null, false);
            if (e.useCnnModule()) {
                norm(b + "norm_conv", d);
                String c = b + "conv_module.";
                add(c + "pointwise_conv1.weight", new long[] {2L * d, d}, new long[] {2L * d, d, 1}, true);
                param(c + "pointwise_conv1.bias", 2 * d);
                add(c + "depthwise_conv.weight", new long[] {d, e.cnnModuleKernel()},
                        new long[] {d, 1, e.cnnModuleKernel()}, false);
                param(c + "depthwise_conv.bias", d);
                norm(c + "norm", d);
                if (e.cnnModuleNorm() == EncoderConfig.ConvNorm.BATCH_NORM) {
                    param(c + "norm.running_mean", d);
                    param(c + "norm.running_var", d);
                }
                add(c + "pointwise_conv2.weight", new long[] {d, d}, new long[] {d, d, 1}, true);
                param(c + "pointwise_conv2.bias", d);
            }
            norm(b + "norm_ff", d);
            if (moe == null) {
                linear(b + "feed_forward.w_1", e.ffnUnits(), d, true);
                linear(b + "feed_forward.w_2", d, e.ffnUnits(), true);
            } else {
                int n = moe.numExperts();
                int h = moe.hiddenUnits();
                String x = b + "feed_forward.experts.";
                add(x + "w_1.weight", new long[] {n, h, d}, null, true);
                add(x + "w_1.bias", new long[] {n, h}, null, false);
                add(x + "w_2.weight", new long[] {n, d, h}, null, true);
                add(x + "w_2.bias", new long[] {n, d}, null, false);
                add(b + "feed_forward.router_weights", new long[] {embedDim + d, n}, null, false);
                if (moe.routerWithBias()) {
                    param(b + "feed_forward.router_bias", n);
                }
            }
            if (e.useCnnModule()) {
                norm(b + "norm_final", d);
            }
        }
    }

    private void linear(String name, long out, long in, boolean bias) {
        add(name + ".weight", new long[] {out, in}, null, true);
        if (bias) {
            param(name + ".bias", out);
        }
    }

    private void norm(String name, int d) {
        param(name + ".weight", d);
        param(name + ".bias", d);
    }

    private void param(String name, long n) {
        add(name, new long[] {n}, null, false);
    }

    private void add(String name, long[] shape, long[] sourceShape, boolean matrix) {
        boolean quantizable = matrix && shape[shape.length - 1] >= MIN_QUANTIZED_COLS;
        out.add(new GraphTensor(name, shape, sourceShape == null ? shape : sourceShape, quantizable));
    }
}

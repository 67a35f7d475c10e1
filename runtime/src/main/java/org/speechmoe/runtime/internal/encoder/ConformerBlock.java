package org.speechmoe.runtime.internal.encoder;

import org.speechmoe.format.graph.EncoderConfig;
import org.speechmoe.format.graph.MoeConfig;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.moe.MoeFeedForward;
import org.speechmoe.runtime.internal.moe.Routing;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * One pre-norm Conformer block: macaron half-step FFN, self-attention, convolution module, then the second FFN,
 * which is a mixture of experts in the main encoder and dense in the embedding network; a final LayerNorm when the
 * convolution module is used.
 */
final class ConformerBlock {
    private final int d;
    private final LayerNorm normFfMacaron;
    private final FeedForward macaron;
    private final LayerNorm normMha;
    private final SelfAttention attention;
    private final LayerNorm normConv;
    private final ConvolutionModule conv;
    private final LayerNorm normFf;
    private final FeedForward dense;
    private final MoeFeedForward moe;
    private final LayerNorm normFinal;

    /** {@code moeConfig} null builds a dense block (embedding network). */
    ConformerBlock(ModelWeights w, String prefix, EncoderConfig c, MoeConfig moeConfig, int embedDim) {
        d = c.attentionDim();
        Activation act = switch (c.activation()) {
            case SWISH -> Activation.SWISH;
            case RELU -> Activation.RELU;
        };
        float ffScale = c.ffScale();
        normFfMacaron = c.macaronStyle() ? norm(w, prefix + "norm_ff_macaron") : null;
        macaron = c.macaronStyle() ? new FeedForward(w, prefix + "feed_forward_macaron.", act, ffScale) : null;
        normMha = norm(w, prefix + "norm_mha");
        attention = new SelfAttention(w, prefix, d, c.attentionHeads());
        normConv = c.useCnnModule() ? norm(w, prefix + "norm_conv") : null;
        conv = c.useCnnModule() ? new ConvolutionModule(w, prefix, c, act) : null;
        normFf = norm(w, prefix + "norm_ff");
        dense = moeConfig == null ? new FeedForward(w, prefix + "feed_forward.", act, ffScale) : null;
        moe = moeConfig == null ? null
                : MoeFeedForward.of(w, prefix + "feed_forward.", moeConfig, embedDim, d, act, ffScale);
        normFinal = c.useCnnModule() ? norm(w, prefix + "norm_final") : null;
    }

    private static LayerNorm norm(ModelWeights w, String name) {
        return new LayerNorm(w.floats(name + ".weight"), w.floats(name + ".bias"), LayerNorm.ENCODER_EPS);
    }

    /**
     * Updates {@code x} ({@code frames × d}) in place; returns the routing of an MoE block, null for a dense one.
     * {@code chunks} null: a whole utterance, {@code pe} its position table; else the chunks of one or more streams
     * stacked, {@code pe} the rows of their positions, this block being block {@code index} of their caches.
     */
    Routing forward(Backend backend, RecognizerState state, float[] x, int frames, float[] pe, float[] embedding,
                    ChunkRows chunks, int index) {
        float[] y = state.normed.floats(frames * d);
        if (macaron != null) {
            normFfMacaron.apply(backend, x, frames, y);
            macaron.addTo(backend, state, y, frames, x);
        }
        normMha.apply(backend, x, frames, y);
        attention.addTo(backend, state, y, pe, frames, x, chunks, index);
        if (conv != null) {
            normConv.apply(backend, x, frames, y);
            conv.addTo(backend, state, y, frames, x, chunks, index);
        }
        normFf.apply(backend, x, frames, y);
        Routing routing = null;
        if (moe != null) {
            routing = moe.addTo(backend, state, embedding, y, frames, x);
        } else {
            dense.addTo(backend, state, y, frames, x);
        }
        if (normFinal != null) {
            normFinal.apply(backend, x, frames, x);
        }
        return routing;
    }
}

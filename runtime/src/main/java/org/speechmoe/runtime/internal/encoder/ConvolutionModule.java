package org.speechmoe.runtime.internal.encoder;

import org.speechmoe.format.graph.EncoderConfig;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Matrix;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.state.BlockCache;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * The Conformer convolution module: pointwise conv to 2d channels, GLU, depthwise conv over time, norm, activation,
 * pointwise conv back to d; its output is added to the residual stream.
 *
 * <p>A causal module's depthwise convolution sees the frame and the {@code kernel - 1} before it. 3m-asr pads those
 * on the left of the module's input, before the pointwise convolution, so the padding reaches the depthwise
 * convolution as {@code glu(pointwise_conv1.bias)}, the {@link #padding} rows; in a stream the previous chunk's last
 * gated rows take their place.
 */
final class ConvolutionModule {
    private final int d;
    private final int kernelSize;
    private final Matrix pointwise1;
    private final float[] pointwise1Bias;
    private final float[] depthwise;
    private final float[] depthwiseBias;
    private final Norm norm;
    private final Activation activation;
    private final Matrix pointwise2;
    private final float[] pointwise2Bias;
    private final boolean causal;
    /** {@code (kernel - 1) × d}: the gated rows of the zero frames a causal module is padded with; null if not causal. */
    private final float[] padding;

    ConvolutionModule(ModelWeights w, String prefix, EncoderConfig config, Activation activation) {
        String p = prefix + "conv_module.";
        d = config.attentionDim();
        kernelSize = config.cnnModuleKernel();
        pointwise1 = w.matrix(p + "pointwise_conv1.weight");
        pointwise1Bias = w.floats(p + "pointwise_conv1.bias");
        depthwise = w.floats(p + "depthwise_conv.weight");
        depthwiseBias = w.floats(p + "depthwise_conv.bias");
        norm = config.cnnModuleNorm() == EncoderConfig.ConvNorm.BATCH_NORM
                ? new BatchNorm(w.floats(p + "norm.weight"), w.floats(p + "norm.bias"), w.floats(p + "norm.running_mean"),
                        w.floats(p + "norm.running_var"))
                : new LayerNorm(w.floats(p + "norm.weight"), w.floats(p + "norm.bias"), LayerNorm.CONV_EPS);
        this.activation = activation;
        pointwise2 = w.matrix(p + "pointwise_conv2.weight");
        pointwise2Bias = w.floats(p + "pointwise_conv2.bias");
        causal = config.streaming().causal();
        padding = causal ? paddingRows() : null;
    }

    private float[] paddingRows() {
        float[] rows = new float[(kernelSize - 1) * d];
        for (int c = 0; c < d; c++) {
            float gated = pointwise1Bias[c] * Activation.sigmoid(pointwise1Bias[d + c]);
            for (int r = 0; r < kernelSize - 1; r++) {
                rows[r * d + c] = gated;
            }
        }
        return rows;
    }

    /**
     * {@code x += module(y)} over {@code frames} rows: one utterance ({@code chunks} null), or the chunks of streams
     * ({@link ChunkRows}), whose causal convolutions each continue from the gated rows their stream's cache of block
     * {@code block} holds, and leave their last ones there.
     */
    void addTo(Backend backend, RecognizerState state, float[] y, int frames, float[] x, ChunkRows chunks, int block) {
        float[] doubled = state.convolutionPointwise.floats(frames * 2 * d);
        backend.matmul(y, frames, pointwise1, doubled, Epilogue.store(pointwise1Bias, Activation.NONE));
        float[] gated = state.convolutionGated.floats(frames * d);
        backend.glu(doubled, frames, d, gated);
        float[] conv = state.convolutionDepthwise.floats(frames * d);
        if (!causal) {
            backend.depthwiseConv(gated, frames, d, depthwise, kernelSize, depthwiseBias, conv);
        } else if (chunks == null) {
            causalConvolution(backend, state, gated, 0, frames, null, conv);
        } else {
            for (int s = 0; s < chunks.streams(); s++) {
                causalConvolution(backend, state, gated, chunks.start(s), chunks.frames(s), chunks.cache(s, block),
                        conv);
            }
        }
        norm.apply(backend, conv, frames, conv);
        backend.activate(conv, frames * d, activation);
        backend.matmul(conv, frames, pointwise2, x, Epilogue.addScaled(pointwise2Bias, 1f));
    }

    /**
     * The left-padded convolution of rows {@code [start, start + n)} through the backend's centred one: run over the
     * {@code kernel - 1} context rows followed by the frames, output row {@code (kernel - 1) / 2 + t} is exactly frame
     * t's causal result (its window stays inside the rows given, so the backend's own zero padding is never read).
     * The context is the cache's (the padding at a stream's or utterance's start).
     */
    private void causalConvolution(Backend backend, RecognizerState state, float[] gated, int start, int n,
                                   BlockCache cache, float[] conv) {
        int context = kernelSize - 1;
        int rows = context + n;
        float[] padded = state.convolutionPadded.floats(rows * d);
        float[] history = cache == null || cache.convolution() == null ? padding : cache.convolution();
        System.arraycopy(history, 0, padded, 0, context * d);
        System.arraycopy(gated, start * d, padded, context * d, n * d);
        if (cache != null) {
            float[] kept = cache.convolution() == null ? new float[context * d] : cache.convolution();
            System.arraycopy(padded, n * d, kept, 0, context * d);
            cache.convolution(kept);
        }
        float[] window = state.convolutionWindow.floats(rows * d);
        backend.depthwiseConv(padded, rows, d, depthwise, kernelSize, depthwiseBias, window);
        System.arraycopy(window, context / 2 * d, conv, start * d, n * d);
    }
}

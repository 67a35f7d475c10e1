package org.speechmoe.runtime.internal.encoder;

import org.speechmoe.format.graph.EncoderConfig;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Matrix;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * The Conformer convolution module: pointwise conv to 2d channels, GLU, depthwise conv over time, norm, activation,
 * pointwise conv back to d; its output is added to the residual stream.
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
    }

    void addTo(Backend backend, RecognizerState state, float[] y, int frames, float[] x) {
        float[] doubled = state.convolutionPointwise.floats(frames * 2 * d);
        backend.matmul(y, frames, pointwise1, doubled, Epilogue.store(pointwise1Bias, Activation.NONE));
        float[] gated = state.convolutionGated.floats(frames * d);
        backend.glu(doubled, frames, d, gated);
        float[] conv = state.convolutionDepthwise.floats(frames * d);
        backend.depthwiseConv(gated, frames, d, depthwise, kernelSize, depthwiseBias, conv);
        norm.apply(backend, conv, frames, conv);
        backend.activate(conv, conv.length, activation);
        backend.matmul(conv, frames, pointwise2, x, Epilogue.addScaled(pointwise2Bias, 1f));
    }
}

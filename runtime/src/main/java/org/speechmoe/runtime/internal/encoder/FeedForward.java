package org.speechmoe.runtime.internal.encoder;

import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Matrix;
import org.speechmoe.runtime.internal.weights.ModelWeights;
import org.speechmoe.runtime.internal.state.RecognizerState;

/** A dense position-wise feed-forward module: {@code x += scale · (W2 act(W1 y + b1) + b2)}. */
final class FeedForward {
    private final Matrix w1;
    private final float[] b1;
    private final Matrix w2;
    private final float[] b2;
    private final Activation activation;
    private final float scale;

    FeedForward(ModelWeights w, String prefix, Activation activation, float scale) {
        w1 = w.matrix(prefix + "w_1.weight");
        b1 = w.floats(prefix + "w_1.bias");
        w2 = w.matrix(prefix + "w_2.weight");
        b2 = w.floats(prefix + "w_2.bias");
        this.activation = activation;
        this.scale = scale;
    }

    void addTo(Backend backend, RecognizerState state, float[] y, int frames, float[] x) {
        float[] hidden = state.feedForwardHidden.floats(frames * w1.rows());
        backend.matmul(y, frames, w1, hidden, Epilogue.store(b1, activation));
        backend.matmul(hidden, frames, w2, x, Epilogue.addScaled(b2, scale));
    }
}

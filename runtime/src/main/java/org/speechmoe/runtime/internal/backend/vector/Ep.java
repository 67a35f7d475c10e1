package org.speechmoe.runtime.internal.backend.vector;

import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Activation;

/** An {@link Epilogue} whose bias and row scales start at offsets (one expert's slice of the stacked arrays). */
record Ep(float[] bias, int biasOffset, Activation activation, float scale, float[] rowScale,
         int rowScaleOffset, boolean accumulate) {
    static Ep of(Epilogue e) {
        return new Ep(e.bias(), 0, e.activation(), e.scale(), e.rowScale(), 0, e.accumulate());
    }

    float apply(float dot, int row, int col, float previous) {
        float v = activation.apply(bias == null ? dot : dot + bias[biasOffset + col]);
        v *= rowScale == null ? scale : scale * rowScale[rowScaleOffset + row];
        return accumulate ? previous + v : v;
    }
}

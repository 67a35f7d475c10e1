package org.speechmoe.runtime.spi;

/**
 * The experts of one MoE layer, stacked as 3m-asr stores them: expert e's first matrix is rows
 * {@code [e·hidden, (e+1)·hidden)} of {@code w1} ({@code [E·H, d]}), its second rows {@code [e·d, (e+1)·d)} of
 * {@code w2} ({@code [E·d, H]}).
 *
 * @param scale the block's feed-forward scale (0.5 with macaron-style blocks)
 */
public record ExpertLayer(int experts, int dim, int hidden, Matrix w1, float[] b1, Matrix w2, float[] b2,
                          Activation activation, float scale) {
    public ExpertLayer {
        if (w1.rows() != experts * hidden || w1.cols() != dim || w2.rows() != experts * dim || w2.cols() != hidden
                || b1.length != experts * hidden || b2.length != experts * dim) {
            throw new IllegalArgumentException("expert weights do not match " + experts + " experts of " + dim + "->"
                    + hidden + "->" + dim);
        }
    }

    public Matrix w1(int e) {
        return w1.rows(e * hidden, hidden);
    }

    public Matrix w2(int e) {
        return w2.rows(e * dim, dim);
    }
}

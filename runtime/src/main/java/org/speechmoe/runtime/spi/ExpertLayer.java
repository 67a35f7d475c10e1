package org.speechmoe.runtime.spi;

/**
 * The experts of one MoE layer, stacked as 3m-asr stores them: expert e's first matrix is rows
 * {@code [e·hidden, (e+1)·hidden)} of {@code w1} ({@code [E·H, d]}), its second rows {@code [e·d, (e+1)·d)} of
 * {@code w2} ({@code [E·d, H]}).
 *
 * @param experts    E, the experts of the layer
 * @param dim        d, the width of the frames
 * @param hidden     H, each expert's hidden width
 * @param w1         the experts' first matrices, stacked: {@code [E·H, d]}
 * @param b1         their biases, {@code E·H}
 * @param w2         the experts' second matrices, stacked: {@code [E·d, H]}
 * @param b2         their biases, {@code E·d}
 * @param activation applied to the hidden layer
 * @param scale      the block's feed-forward scale (0.5 with macaron-style blocks)
 */
public record ExpertLayer(int experts, int dim, int hidden, Matrix w1, float[] b1, Matrix w2, float[] b2,
                          Activation activation, float scale) {
    /**
     * Checks the shapes.
     *
     * @throws IllegalArgumentException when they do not match E experts of d -> H -> d
     */
    public ExpertLayer {
        if (w1.rows() != experts * hidden || w1.cols() != dim || w2.rows() != experts * dim || w2.cols() != hidden
                || b1.length != experts * hidden || b2.length != experts * dim) {
            throw new IllegalArgumentException("expert weights do not match " + experts + " experts of " + dim + "->"
                    + hidden + "->" + dim);
        }
    }

    /**
     * Expert {@code e}'s first matrix.
     *
     * @param e the expert
     * @return its {@code [H, d]} rows of {@link #w1()}
     */
    public Matrix w1(int e) {
        return w1.rows(e * hidden, hidden);
    }

    /**
     * Expert {@code e}'s second matrix.
     *
     * @param e the expert
     * @return its {@code [d, H]} rows of {@link #w2()}
     */
    public Matrix w2(int e) {
        return w2.rows(e * dim, dim);
    }
}

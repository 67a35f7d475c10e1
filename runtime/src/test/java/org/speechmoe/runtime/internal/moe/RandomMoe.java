package org.speechmoe.runtime.internal.moe;

import java.util.Random;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.spi.ExpertLayer;
import org.speechmoe.runtime.spi.Matrix;

/** A random MoE sublayer and input, with the raw arrays kept so tests can rebuild it permuted. */
record RandomMoe(int experts, int embedDim, int dim, int hidden, int frames, float[] routerWeights, float[] routerBias,
                 float[] w1, float[] b1, float[] w2, float[] b2, Activation activation, float scale, boolean keep,
                 float[] embedding, float[] y) {

    static RandomMoe of(long seed, int experts, int embedDim, int dim, int hidden, int frames, boolean withBias,
                        Activation activation, boolean keep) {
        Random r = new Random(seed);
        return new RandomMoe(experts, embedDim, dim, hidden, frames,
                gaussian(r, (embedDim + dim) * experts, 1.0 / Math.sqrt(embedDim + dim) * 3),
                withBias ? gaussian(r, experts, 0.5) : null,
                gaussian(r, experts * hidden * dim, 1.0 / Math.sqrt(dim)), gaussian(r, experts * hidden, 0.1),
                gaussian(r, experts * dim * hidden, 1.0 / Math.sqrt(hidden)), gaussian(r, experts * dim, 0.1),
                activation, r.nextBoolean() ? 0.5f : 1f, keep,
                gaussian(r, frames * embedDim, 1), gaussian(r, frames * dim, 1));
    }

    static float[] gaussian(Random r, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * std);
        }
        return a;
    }

    MoeFeedForward layer() {
        return new MoeFeedForward(new Router(routerWeights, routerBias, embedDim, dim, experts),
                new ExpertLayer(experts, dim, hidden, Matrix.ofFloats(experts * hidden, dim, w1), b1,
                        Matrix.ofFloats(experts * dim, hidden, w2), b2, activation, scale), keep);
    }

    /** Expert {@code e}'s FFN on one frame, written out from the definition. */
    float[] expert(int e, float[] frame) {
        float[] h = new float[hidden];
        for (int j = 0; j < hidden; j++) {
            float acc = b1[e * hidden + j];
            for (int i = 0; i < dim; i++) {
                acc += w1[(e * hidden + j) * dim + i] * frame[i];
            }
            h[j] = activation.apply(acc);
        }
        float[] out = new float[dim];
        for (int o = 0; o < dim; o++) {
            float acc = b2[e * dim + o];
            for (int j = 0; j < hidden; j++) {
                acc += w2[(e * dim + o) * hidden + j] * h[j];
            }
            out[o] = acc;
        }
        return out;
    }

    /** The same layer with expert {@code e} renamed {@code perm[e]}: stacks and router columns moved together. */
    RandomMoe relabeled(int[] perm) {
        float[] rw = new float[routerWeights.length];
        float[] rb = routerBias == null ? null : new float[experts];
        float[] nw1 = new float[w1.length];
        float[] nb1 = new float[b1.length];
        float[] nw2 = new float[w2.length];
        float[] nb2 = new float[b2.length];
        for (int e = 0; e < experts; e++) {
            int to = perm[e];
            for (int i = 0; i < embedDim + dim; i++) {
                rw[i * experts + to] = routerWeights[i * experts + e];
            }
            if (rb != null) {
                rb[to] = routerBias[e];
            }
            System.arraycopy(w1, e * hidden * dim, nw1, to * hidden * dim, hidden * dim);
            System.arraycopy(b1, e * hidden, nb1, to * hidden, hidden);
            System.arraycopy(w2, e * dim * hidden, nw2, to * dim * hidden, dim * hidden);
            System.arraycopy(b2, e * dim, nb2, to * dim, dim);
        }
        return new RandomMoe(experts, embedDim, dim, hidden, frames, rw, rb, nw1, nb1, nw2, nb2, activation, scale,
                keep, embedding, y);
    }

    /** The same layer and frames in the order {@code order} (frame i of the result is frame order[i]). */
    RandomMoe framesReordered(int[] order) {
        float[] e = new float[embedding.length];
        float[] yy = new float[y.length];
        for (int i = 0; i < frames; i++) {
            System.arraycopy(embedding, order[i] * embedDim, e, i * embedDim, embedDim);
            System.arraycopy(y, order[i] * dim, yy, i * dim, dim);
        }
        return new RandomMoe(experts, embedDim, dim, hidden, frames, routerWeights, routerBias, w1, b1, w2, b2,
                activation, scale, keep, e, yy);
    }
}

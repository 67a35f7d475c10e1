package org.speechmoe.runtime.internal.backend;

/**
 * The scalar softmax, in the order the math is written: the specification the attention and log-softmax kernels are
 * tested against, and what the router computes. Vector kernels call it for the elements past their last whole vector.
 */
public final class Softmax {
    private Softmax() {
    }

    /** The largest of {@code a[from, to)}; −∞ when the range is empty. */
    public static float max(float[] a, int from, int to) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            max = Math.max(max, a[i]);
        }
        return max;
    }

    /**
     * Replaces {@code a[from, to)} by {@code e^(a[i] - max)} (each rounded to float) and returns their sum, added in
     * float in index order: a softmax's numerators and its denominator.
     */
    public static float exponentiate(float[] a, int from, int to) {
        float max = max(a, from, to);
        float sum = 0f;
        for (int i = from; i < to; i++) {
            a[i] = (float) StrictMath.exp(a[i] - max);
            sum += a[i];
        }
        return sum;
    }

    /** The softmax of {@code a[from, to)}, in place. */
    public static void normalize(float[] a, int from, int to) {
        float sum = exponentiate(a, from, to);
        for (int i = from; i < to; i++) {
            a[i] /= sum;
        }
    }

    /** The log-softmax of {@code x[from, to)}, in place: {@code x - max - log Σ e^(x - max)}. */
    public static void logSoftmax(float[] x, int from, int to) {
        float max = max(x, from, to);
        float log = (float) StrictMath.log(expSum(0, x, from, to, max));
        for (int i = from; i < to; i++) {
            x[i] = x[i] - max - log;
        }
    }

    /**
     * {@code sum} plus {@code e^(a[i] - shift)} over {@code [from, to)}, each exponential and every addition in
     * double, in index order: a log-softmax's denominator, which is not rounded to float before its logarithm.
     */
    public static double expSum(double sum, float[] a, int from, int to, float shift) {
        for (int i = from; i < to; i++) {
            sum += StrictMath.exp(a[i] - shift);
        }
        return sum;
    }
}

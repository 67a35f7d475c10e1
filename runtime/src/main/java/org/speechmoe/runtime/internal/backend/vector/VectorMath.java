package org.speechmoe.runtime.internal.backend.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;
import org.speechmoe.runtime.spi.Activation;

/**
 * Lane functions whose results do not depend on how the JVM runs them. The Vector API's {@code EXP} and floating-point
 * {@code reduceLanes(ADD)} may give different last bits interpreted, C2-compiled (SVML) or in another lane order, so
 * the same audio would transcribe with slightly different scores before and after warm-up; these use only
 * IEEE-exact lane arithmetic in a fixed order.
 */
final class VectorMath {
    private static final VectorSpecies<Float> FS = VectorWidth.FLOATS;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Below this, 2^n is under the smallest normal float and the exponent bits clamp to 0: so is the result. */
    private static final float MIN_X = -88.8f;
    /** Added and subtracted, rounds a float below 2^22 in magnitude to the nearest integer (ties to even). */
    private static final float ROUND = 12582912f;
    /** Above this, 2^n would leave the float exponent range: e^x saturates at e^88 (softmax and swish never need more). */
    private static final float MAX_X = 88.0f;
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] HALVES = new VectorShuffle[Integer.numberOfTrailingZeros(FS.length())];

    static {
        for (int k = 0; k < HALVES.length; k++) {
            int step = FS.length() >> (k + 1);
            HALVES[k] = VectorShuffle.fromOp(FS, i -> i ^ step);
        }
    }

    private VectorMath() {
    }

    private static FloatVector all(float c) {
        return FloatVector.broadcast(FS, c);
    }

    /**
     * e^x per lane, within 2 ulp in the normal range: x = n·ln2 + r with |r| ≤ ln2/2 (n rounded to nearest by the
     * 1.5·2^23 trick, Cody-Waite two-part ln2), e^r by its degree-7 Taylor polynomial in Horner form, times 2^n built
     * in the exponent bits; below e^-87.3 (where 2^n would be subnormal) the exponent clamps to zero and so does the
     * result. No compares, blends or masks: the function stays small and branch-free, so that C2 compiles it to plain
     * vector arithmetic even where it is not inlined.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(MIN_X).min(MAX_X);
        FloatVector n = clamped.mul(LOG2E).add(ROUND).sub(ROUND);
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        FloatVector r = n.fma(all(-LN2_LO), n.fma(all(-LN2_HI), clamped));
        FloatVector p = all(1f / 5040).fma(r, all(1f / 720)).fma(r, all(1f / 120)).fma(r, all(1f / 24))
                .fma(r, all(1f / 6)).fma(r, all(0.5f)).fma(r, all(1f)).fma(r, all(1f));
        IntVector bits = ni.add(127).max(0).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    // Array loops over exp. Vectors never cross a call that C2 might not inline: a FloatVector passed to or returned
    // from a method compiled on its own is boxed and its operations fall back to Java code, tens of times slower.
    // So callers hand over arrays, and exp is inlined into these small loops.

    /** {@code a[i] = a[i] · sigmoid(a[i])} for {@code i} in {@code [from, from + n)}, the last partial vector scalar. */
    static void swish(float[] a, int from, int n) {
        int end = from + n;
        int i = from;
        FloatVector one = all(1f);
        for (; i + FS.length() <= end; i += FS.length()) {
            FloatVector v = FloatVector.fromArray(FS, a, i);
            v.div(exp(v.neg()).add(one)).intoArray(a, i);
        }
        for (; i < end; i++) {
            a[i] = Activation.SWISH.apply(a[i]);
        }
    }

    /** {@code out[o + i] = x[a + i] · sigmoid(x[g + i])} for {@code i < n}: the gated linear unit of one row. */
    static void glu(float[] x, int a, int g, float[] out, int o, int n) {
        int i = 0;
        FloatVector one = all(1f);
        for (; i + FS.length() <= n; i += FS.length()) {
            FloatVector gate = FloatVector.fromArray(FS, x, g + i);
            FloatVector.fromArray(FS, x, a + i).div(exp(gate.neg()).add(one)).intoArray(out, o + i);
        }
        for (; i < n; i++) {
            out[o + i] = x[a + i] * Activation.sigmoid(x[g + i]);
        }
    }

    /**
     * The sum of {@code e^(a[i] - shift)} over whole vectors of {@code [from, from + n)} (n a multiple of the vector
     * length), lane-wise then pairwise as {@link #sum}; with {@code store} the exponentials replace the values.
     */
    static float expSum(float[] a, int from, int n, float shift, boolean store) {
        FloatVector acc = FloatVector.zero(FS);
        for (int i = from; i < from + n; i += FS.length()) {
            FloatVector e = exp(FloatVector.fromArray(FS, a, i).sub(shift));
            if (store) {
                e.intoArray(a, i);
            }
            acc = acc.add(e);
        }
        return sum(acc);
    }

    /** The sum of the lanes, added pairwise in a fixed order. */
    static float sum(FloatVector v) {
        FloatVector s = v;
        for (VectorShuffle<Float> halves : HALVES) {
            s = s.add(s.rearrange(halves));
        }
        return s.lane(0);
    }
}

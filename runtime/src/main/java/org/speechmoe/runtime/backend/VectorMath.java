package org.speechmoe.runtime.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane functions whose results do not depend on how the JVM runs them. The Vector API's {@code EXP} and floating-point
 * {@code reduceLanes(ADD)} may give different last bits interpreted, C2-compiled (SVML) or in another lane order, so
 * the same audio would transcribe with slightly different scores before and after warm-up; these use only
 * IEEE-exact lane arithmetic in a fixed order.
 */
final class VectorMath {
    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Below this, e^x is under the smallest normal float: the result is 0. */
    private static final float MIN_X = -87.3f;
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

    /** 1/6!, ..., 1/1!, 1/0!: the Horner steps after 1/7!. */
    private static final float[] TAYLOR = {1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f};

    private VectorMath() {
    }

    private static FloatVector all(float c) {
        return FloatVector.broadcast(FS, c);
    }

    /**
     * e^x per lane, within 2 ulp: x = n·ln2 + r with |r| ≤ ln2/2 (Cody-Waite, two-part ln2), e^r by its degree-7
     * Taylor polynomial in Horner form, times 2^n built in the exponent bits.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(MIN_X).min(MAX_X);
        FloatVector t = clamped.mul(LOG2E);
        // round half away from zero: F2I truncates
        IntVector ni = (IntVector) t.add(all(0.5f).blend(-0.5f, t.lt(0f)))
                .convert(VectorOperators.F2I, 0);
        FloatVector n = (FloatVector) ni.convert(VectorOperators.I2F, 0);
        FloatVector r = n.fma(all(-LN2_LO), n.fma(all(-LN2_HI), clamped));
        FloatVector p = all(1f / 5040);
        for (float c : TAYLOR) {
            p = p.fma(r, all(c));
        }
        IntVector bits = ni.add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector scaled = p.mul(bits.reinterpretAsFloats());
        return scaled.blend(0f, x.lt(MIN_X));
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

package org.speechmoe.runtime.internal.backend.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VectorMathTest {
    /** At a width the machine lacks, the kernels keep the machine's: nothing to test at the requested one. */
    @BeforeAll
    static void theMachineHasTheRequestedWidth() {
        assumeFalse(VectorWidth.requestedTooWide(), "the machine's vectors are narrower than requested");
    }

    @Test
    void expIsWithinTwoUlpOfStrictMathFromTheNormalRangeUpToItsSaturation() {
        int lanes = VectorWidth.FLOATS.length();
        float[] x = new float[lanes];
        float[] y = new float[lanes];
        float worst = 0;
        for (float v = -87f; v < 88f; v += 0.000731f * lanes) {
            for (int i = 0; i < lanes; i++) {
                x[i] = Math.min(v + 0.000731f * i, 88f);
            }
            VectorMath.exp(FloatVector.fromArray(VectorWidth.FLOATS, x, 0)).intoArray(y, 0);
            for (int i = 0; i < lanes; i++) {
                float want = (float) StrictMath.exp(x[i]);
                worst = Math.max(worst, Math.abs(y[i] - want) / Math.ulp(want));
            }
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp");
    }

    @Test
    void expFlushesBelowTheNormalRangeAndSaturatesAbove() {
        float[] y = new float[VectorWidth.FLOATS.length()];
        VectorMath.exp(FloatVector.broadcast(VectorWidth.FLOATS, -1000f)).intoArray(y, 0);
        assertEquals(0f, y[0]);
        VectorMath.exp(FloatVector.broadcast(VectorWidth.FLOATS, Float.NEGATIVE_INFINITY)).intoArray(y, 0);
        assertEquals(0f, y[0]);
        VectorMath.exp(FloatVector.broadcast(VectorWidth.FLOATS, 1000f)).intoArray(y, 0);
        assertTrue(Float.isFinite(y[0]) && y[0] > 1e38f);
    }

    @Test
    void theLaneSumAddsPairwiseInAFixedOrder() {
        int lanes = VectorWidth.FLOATS.length();
        float[] x = new float[lanes];
        for (int i = 0; i < lanes; i++) {
            x[i] = (float) Math.scalb(1.0 + i / 7.0, (i % 3) * 9 - 9);
        }
        float[] s = x.clone();
        for (int width = lanes / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) {
                s[i] = s[i] + s[i + width];
            }
        }
        assertEquals(s[0], VectorMath.sum(FloatVector.fromArray(VectorWidth.FLOATS, x, 0)));
    }
}

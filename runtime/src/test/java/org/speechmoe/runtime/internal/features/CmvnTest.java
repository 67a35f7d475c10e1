package org.speechmoe.runtime.internal.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CmvnTest {
    @Test
    void subtractsTheMeanAndScalesEveryFrame() {
        Features f = new Features(2, 3, new float[] {1, 2, 3, 4, 5, 6});
        new Cmvn(new float[] {1, 0, -1}, new float[] {2, 0.5f, 1}).applyInPlace(f);
        assertArrayEquals(new float[] {0, 1, 4, 6, 2.5f, 7}, f.data());
    }

    @Test
    void refusesMismatchedSizes() {
        assertThrows(IllegalArgumentException.class, () -> new Cmvn(new float[2], new float[3]));
        Cmvn cmvn = new Cmvn(new float[2], new float[2]);
        assertThrows(IllegalArgumentException.class, () -> cmvn.applyInPlace(new Features(1, 3, new float[3])));
    }

    @Test
    void featuresAreRowMajor() {
        Features f = new Features(2, 3, new float[] {1, 2, 3, 4, 5, 6});
        assertEquals(6, f.get(1, 2));
        assertEquals(2, f.get(0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> f.get(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> f.get(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new Features(2, 3, new float[5]));
        assertEquals(0, new Features(0, 80, new float[0]).frames());
    }
}

package org.speechmoe.format;

import java.util.Arrays;

/** Shape arithmetic shared by the writer, the reader and the codecs. A scalar has rank 0 and one element. */
public final class Shapes {
    private Shapes() {
    }

    /** @throws ArithmeticException on overflow; negative dimensions are the caller's to refuse */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The last dimension: the contiguous one, along which rows are laid out and blocks are cut. */
    public static long cols(long[] shape) {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** Product of every dimension but the last. */
    public static long rows(long[] shape) {
        long n = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            n = Math.multiplyExact(n, shape[i]);
        }
        return n;
    }

    public static String format(long[] shape) {
        return Arrays.toString(shape);
    }
}

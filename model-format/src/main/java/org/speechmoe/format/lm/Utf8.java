package org.speechmoe.format.lm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * UTF-8 one code point at a time, so that words can be hashed, compared and checked where they lie in a mapped file
 * without decoding them into strings.
 */
final class Utf8 {
    private Utf8() {
    }

    /** Bytes of the UTF-8 form of code point {@code c}. */
    static int length(int c) {
        return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }

    /** Byte {@code k} of the {@code n}-byte UTF-8 form of {@code c}. */
    static byte unit(int c, int n, int k) {
        if (n == 1) {
            return (byte) c;
        }
        int shift = 6 * (n - 1 - k);
        int lead = k == 0 ? (0xF00 >> n) & 0xFF : 0x80;
        return (byte) (lead | ((c >>> shift) & (k == 0 ? 0x3F >> (n - 1) : 0x3F)));
    }

    /** Whether {@code b} separates words: ASCII blanks other than the line feed that ends a line, which is one too. */
    static boolean isBlank(int b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    /**
     * What is wrong with {@code bytes[begin, end)} as a word: not UTF-8 (overlong forms, surrogates and code points
     * past U+10FFFF are not), or holding a blank; null when it is a fine word.
     */
    static String problem(MemorySegment bytes, long begin, long end) {
        for (long i = begin; i < end; ) {
            int b = bytes.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            if (b < 0x80) {
                if (isBlank(b)) {
                    return "holds a blank (byte " + b + ")";
                }
                i++;
                continue;
            }
            int n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
            if (n == 0 || b > 0xF4 || i + n > end) {
                return "is not valid UTF-8";
            }
            int c = b & (0x7F >> n);
            for (int k = 1; k < n; k++) {
                int u = bytes.get(ValueLayout.JAVA_BYTE, i + k) & 0xff;
                if ((u & 0xC0) != 0x80) {
                    return "is not valid UTF-8";
                }
                c = (c << 6) | (u & 0x3F);
            }
            if (length(c) != n || c > Character.MAX_CODE_POINT
                    || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
                return "is not valid UTF-8";
            }
            i += n;
        }
        return null;
    }
}

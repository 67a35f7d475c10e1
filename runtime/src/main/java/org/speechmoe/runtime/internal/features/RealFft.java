package org.speechmoe.runtime.internal.features;

import java.util.Arrays;

/**
 * Forward real FFT of a power-of-two length in float, operation for operation as PocketFFT's {@code rfftp} (its radix-4
 * and radix-2 passes and its twiddle factors). That is the FFT behind PyTorch's CPU {@code torch.fft.rfft} in builds
 * without MKL, the one the reference features were computed with.
 *
 * <p>Why not a double FFT: the log-mel values of bins some 120 dB below a frame's peak (tones, synthetic audio, the
 * edges of digital silence) are set by the float rounding of the reference pipeline itself, up to 0.03 in the log.
 * Rounding the same way reproduces the reference to about 1e-6 instead.
 *
 * <p>Immutable; {@link #forward} takes the caller's scratch array, so one instance serves any number of threads.
 */
final class RealFft {
    private static final float HALF_SQRT2 = (float) 0.7071067811865476;

    private final int n;
    /** PocketFFT's factor order: a single 2 (when n is not a power of 4) first, then 4s. */
    private final int[] factors;
    /** Per factor but the last: (ip - 1) · (ido - 1) interleaved cos/sin values. */
    private final float[][] twiddles;

    RealFft(int n) {
        if (n < 2 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("FFT length must be a power of two >= 2, got " + n);
        }
        this.n = n;
        int fours = Integer.numberOfTrailingZeros(n) / 2;
        boolean two = Integer.numberOfTrailingZeros(n) % 2 == 1;
        factors = new int[fours + (two ? 1 : 0)];
        Arrays.fill(factors, 4);
        if (two) {
            factors[0] = 2;
        }
        twiddles = new float[factors.length][];
        TwiddleTable twid = new TwiddleTable(n);
        int l1 = 1;
        for (int k = 0; k < factors.length; k++) {
            int ip = factors[k];
            int ido = n / (l1 * ip);
            if (k < factors.length - 1) {
                float[] tw = new float[(ip - 1) * (ido - 1)];
                for (int j = 1; j < ip; j++) {
                    for (int i = 1; i <= (ido - 1) / 2; i++) {
                        tw[(j - 1) * (ido - 1) + 2 * i - 2] = twid.cos(j * l1 * i);
                        tw[(j - 1) * (ido - 1) + 2 * i - 1] = twid.sin(j * l1 * i);
                    }
                }
                twiddles[k] = tw;
            }
            l1 *= ip;
        }
    }

    int size() {
        return n;
    }

    /**
     * Transforms {@code data[0..n)} in place into the half-complex order {@code r0, r1, i1, r2, i2, ..., r(n/2)} of
     * {@code sum_j data[j] e^(-2 pi i j k / n)}. {@code scratch} needs {@code n} elements.
     */
    void forward(float[] data, float[] scratch) {
        float[] p1 = data;
        float[] p2 = scratch;
        int l1 = n;
        for (int k = factors.length - 1; k >= 0; k--) {
            int ip = factors[k];
            int ido = n / l1;
            l1 /= ip;
            if (ip == 4) {
                radf4(ido, l1, p1, p2, twiddles[k]);
            } else {
                radf2(ido, l1, p1, p2, twiddles[k]);
            }
            float[] t = p1;
            p1 = p2;
            p2 = t;
        }
        if (p1 != data) {
            System.arraycopy(p1, 0, data, 0, n);
        }
    }

    private static void radf2(int ido, int l1, float[] cc, float[] ch, float[] wa) {
        // CC(a,b,c) = cc[a + ido*(b + l1*c)], CH(a,b,c) = ch[a + ido*(b + 2*c)], WA(x,i) = wa[i + x*(ido-1)]
        for (int k = 0; k < l1; k++) {
            float c0 = cc[ido * k];
            float c1 = cc[ido * (k + l1)];
            ch[ido * 2 * k] = c0 + c1;
            ch[ido - 1 + ido * (1 + 2 * k)] = c0 - c1;
        }
        if ((ido & 1) == 0) {
            for (int k = 0; k < l1; k++) {
                ch[ido * (1 + 2 * k)] = -cc[ido - 1 + ido * (k + l1)];
                ch[ido - 1 + ido * 2 * k] = cc[ido - 1 + ido * k];
            }
        }
        if (ido <= 2) {
            return;
        }
        for (int k = 0; k < l1; k++) {
            for (int i = 2; i < ido; i += 2) {
                int ic = ido - i;
                float wr = wa[i - 2];
                float wi = wa[i - 1];
                float xr = cc[i - 1 + ido * (k + l1)];
                float xi = cc[i + ido * (k + l1)];
                float tr2 = wr * xr + wi * xi;
                float ti2 = wr * xi - wi * xr;
                float ar = cc[i - 1 + ido * k];
                float ai = cc[i + ido * k];
                ch[i - 1 + ido * 2 * k] = ar + tr2;
                ch[ic - 1 + ido * (1 + 2 * k)] = ar - tr2;
                ch[i + ido * 2 * k] = ti2 + ai;
                ch[ic + ido * (1 + 2 * k)] = ti2 - ai;
            }
        }
    }

    private static void radf4(int ido, int l1, float[] cc, float[] ch, float[] wa) {
        // CC(a,b,c) = cc[a + ido*(b + l1*c)], CH(a,b,c) = ch[a + ido*(b + 4*c)], WA(x,i) = wa[i + x*(ido-1)]
        for (int k = 0; k < l1; k++) {
            float c0 = cc[ido * k];
            float c1 = cc[ido * (k + l1)];
            float c2 = cc[ido * (k + 2 * l1)];
            float c3 = cc[ido * (k + 3 * l1)];
            float tr1 = c3 + c1;
            ch[ido * (2 + 4 * k)] = c3 - c1;
            float tr2 = c0 + c2;
            ch[ido - 1 + ido * (1 + 4 * k)] = c0 - c2;
            ch[ido * 4 * k] = tr2 + tr1;
            ch[ido - 1 + ido * (3 + 4 * k)] = tr2 - tr1;
        }
        if ((ido & 1) == 0) {
            for (int k = 0; k < l1; k++) {
                float c0 = cc[ido - 1 + ido * k];
                float c1 = cc[ido - 1 + ido * (k + l1)];
                float c2 = cc[ido - 1 + ido * (k + 2 * l1)];
                float c3 = cc[ido - 1 + ido * (k + 3 * l1)];
                float ti1 = -HALF_SQRT2 * (c1 + c3);
                float tr1 = HALF_SQRT2 * (c1 - c3);
                ch[ido - 1 + ido * 4 * k] = c0 + tr1;
                ch[ido - 1 + ido * (2 + 4 * k)] = c0 - tr1;
                ch[ido * (3 + 4 * k)] = ti1 + c2;
                ch[ido * (1 + 4 * k)] = ti1 - c2;
            }
        }
        if (ido <= 2) {
            return;
        }
        int w1 = 0;
        int w2 = ido - 1;
        int w3 = 2 * (ido - 1);
        for (int k = 0; k < l1; k++) {
            for (int i = 2; i < ido; i += 2) {
                int ic = ido - i;
                float x1r = cc[i - 1 + ido * (k + l1)];
                float x1i = cc[i + ido * (k + l1)];
                float x2r = cc[i - 1 + ido * (k + 2 * l1)];
                float x2i = cc[i + ido * (k + 2 * l1)];
                float x3r = cc[i - 1 + ido * (k + 3 * l1)];
                float x3i = cc[i + ido * (k + 3 * l1)];
                // (cr + i ci) = conj(twiddle) * x, written as PocketFFT's MULPM
                float cr2 = wa[w1 + i - 2] * x1r + wa[w1 + i - 1] * x1i;
                float ci2 = wa[w1 + i - 2] * x1i - wa[w1 + i - 1] * x1r;
                float cr3 = wa[w2 + i - 2] * x2r + wa[w2 + i - 1] * x2i;
                float ci3 = wa[w2 + i - 2] * x2i - wa[w2 + i - 1] * x2r;
                float cr4 = wa[w3 + i - 2] * x3r + wa[w3 + i - 1] * x3i;
                float ci4 = wa[w3 + i - 2] * x3i - wa[w3 + i - 1] * x3r;
                float tr1 = cr4 + cr2;
                float tr4 = cr4 - cr2;
                float ti1 = ci2 + ci4;
                float ti4 = ci2 - ci4;
                float c0r = cc[i - 1 + ido * k];
                float c0i = cc[i + ido * k];
                float tr2 = c0r + cr3;
                float tr3 = c0r - cr3;
                float ti2 = c0i + ci3;
                float ti3 = c0i - ci3;
                ch[i - 1 + ido * 4 * k] = tr2 + tr1;
                ch[ic - 1 + ido * (3 + 4 * k)] = tr2 - tr1;
                ch[i + ido * 4 * k] = ti1 + ti2;
                ch[ic + ido * (3 + 4 * k)] = ti1 - ti2;
                ch[i - 1 + ido * (2 + 4 * k)] = tr3 + ti4;
                ch[ic - 1 + ido * (1 + 4 * k)] = tr3 - ti4;
                ch[i + ido * (2 + 4 * k)] = tr4 + ti3;
                ch[ic + ido * (1 + 4 * k)] = tr4 - ti3;
            }
        }
    }

    /**
     * {@code e^(2 pi i m / n)} rounded to float, computed as PocketFFT's {@code sincos_2pibyn} does: octant-reduced
     * double values, split into a product of two table entries.
     */
    private static final class TwiddleTable {
        private final int n;
        private final int shift;
        private final int mask;
        private final double[] v1;
        private final double[] v2;

        TwiddleTable(int n) {
            this.n = n;
            double ang = Math.PI / (4.0 * n);
            int nval = (n + 2) / 2;
            int s = 1;
            while ((1L << s) * (1L << s) < nval) {
                s++;
            }
            shift = s;
            mask = (1 << s) - 1;
            v1 = new double[2 * (mask + 1)];
            v1[0] = 1;
            for (int i = 1; i <= mask; i++) {
                calc(i, ang, v1, 2 * i);
            }
            int v2Size = (nval + mask) / (mask + 1);
            v2 = new double[2 * v2Size];
            v2[0] = 1;
            for (int i = 1; i < v2Size; i++) {
                calc((long) i * (mask + 1), ang, v2, 2 * i);
            }
        }

        float cos(int m) {
            int idx = 2 * m <= n ? m : n - m;
            double r1 = v1[2 * (idx & mask)];
            double i1 = v1[2 * (idx & mask) + 1];
            double r2 = v2[2 * (idx >> shift)];
            double i2 = v2[2 * (idx >> shift) + 1];
            return (float) (r1 * r2 - i1 * i2);
        }

        float sin(int m) {
            int idx = 2 * m <= n ? m : n - m;
            double r1 = v1[2 * (idx & mask)];
            double i1 = v1[2 * (idx & mask) + 1];
            double r2 = v2[2 * (idx >> shift)];
            double i2 = v2[2 * (idx >> shift) + 1];
            float s = (float) (r1 * i2 + i1 * r2);
            return 2 * m <= n ? s : -s;
        }

        private void calc(long index, double ang, double[] out, int at) {
            long x = index << 3;
            double re;
            double im;
            if (x < 4L * n) {
                if (x < 2L * n) {
                    if (x < n) {
                        re = StrictMath.cos(x * ang);
                        im = StrictMath.sin(x * ang);
                    } else {
                        re = StrictMath.sin((2L * n - x) * ang);
                        im = StrictMath.cos((2L * n - x) * ang);
                    }
                } else {
                    x -= 2L * n;
                    if (x < n) {
                        re = -StrictMath.sin(x * ang);
                        im = StrictMath.cos(x * ang);
                    } else {
                        re = -StrictMath.cos((2L * n - x) * ang);
                        im = StrictMath.sin((2L * n - x) * ang);
                    }
                }
            } else {
                x = 8L * n - x;
                if (x < 2L * n) {
                    if (x < n) {
                        re = StrictMath.cos(x * ang);
                        im = -StrictMath.sin(x * ang);
                    } else {
                        re = StrictMath.sin((2L * n - x) * ang);
                        im = -StrictMath.cos((2L * n - x) * ang);
                    }
                } else {
                    x -= 2L * n;
                    if (x < n) {
                        re = -StrictMath.sin(x * ang);
                        im = -StrictMath.cos(x * ang);
                    } else {
                        re = -StrictMath.cos((2L * n - x) * ang);
                        im = -StrictMath.sin((2L * n - x) * ang);
                    }
                }
            }
            out[at] = re;
            out[at + 1] = im;
        }
    }
}

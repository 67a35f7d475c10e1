package org.speechmoe.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Epilogue;
import org.speechmoe.runtime.spi.Matrix;

/**
 * {@code Backend.matmul} ({@code y = x · Wᵀ + b}) at the model's real shapes, over routed row counts from one frame to
 * a whole 10 s utterance (250 frames) and the subsampling convolution's im2col GEMM (4750 rows = 250 frames × 19
 * frequency positions; the runtime runs it in chunks of 16 frames = 304 rows).
 */
public class GemmBenchmark extends KernelBenchmark {
    /** Weight shapes: out × in. */
    public enum Shape {
        /** S attention projections (q, k, v, pos, out) and pointwise_conv2. */
        S_ATTN(256, 256),
        /** S macaron FFN / expert first matrix. */
        S_FFN1(1024, 256),
        /** S macaron FFN / expert second matrix. */
        S_FFN2(256, 1024),
        /** S convolution module pointwise_conv1 (GLU input). */
        S_PW1(512, 256),
        /** S CTC output layer. */
        S_VOCAB(5000, 256),
        /** S subsampling conv.2 as im2col GEMM (9·d inputs). */
        S_SUB2(256, 9 * 256),
        /** S subsampling output linear: each frame's 19 frequencies × d channels to d. */
        S_SUBOUT(256, 19 * 256),
        /** Embedding network (d 144) FFN first matrix. */
        E_FFN1(576, 144),
        /** Embedding network subsampling conv.2. */
        E_SUB2(144, 9 * 144),
        L_ATTN(512, 512),
        L_FFN1(2048, 512),
        L_FFN2(512, 2048),
        L_VOCAB(5000, 512),
        L_SUB2(512, 9 * 512),
        L_SUBOUT(512, 19 * 512);

        public final int out;
        public final int in;

        Shape(int out, int in) {
            this.out = out;
            this.in = in;
        }
    }

    @Param({"S_FFN1", "S_FFN2", "S_VOCAB", "L_FFN1", "L_FFN2", "L_VOCAB"})
    public String shape;
    @Param({"1", "8", "64", "250"})
    public int rows;
    @Param({"f32", "q8", "f16"})
    public String dtype;
    @Param({"1", "2"})
    public int threads;
    @Param({"vector"})
    public String backend;
    /** The epilogue's activation after the bias: NONE, RELU or SWISH (the FFNs' first matrices). */
    @Param({"NONE"})
    public String activation;

    private Backend kernels;
    private Matrix w;
    private float[] x;
    private float[] y;
    private Epilogue epilogue;

    /** Floating-point operations of one call: a multiply and an add per weight and row. */
    public static double flops(Shape shape, int rows) {
        return 2.0 * rows * shape.in * shape.out;
    }

    @Setup
    public void setUp() {
        Shape s = Shape.valueOf(shape);
        kernels = Fixtures.backend(backend, threads);
        w = Fixtures.matrix(Fixtures.dtype(dtype), s.out, s.in, 1);
        x = Fixtures.randomFloats(Math.multiplyExact(rows, s.in), 2, 1f);
        y = new float[Math.multiplyExact(rows, s.out)];
        epilogue = Epilogue.store(Fixtures.randomFloats(s.out, 3, 0.1f), Activation.valueOf(activation));
    }

    @Benchmark
    public float[] matmul() {
        kernels.matmul(x, rows, w, y, epilogue);
        return y;
    }
}

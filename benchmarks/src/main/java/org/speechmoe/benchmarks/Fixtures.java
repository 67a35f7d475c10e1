package org.speechmoe.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.speechmoe.format.DType;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.format.graph.EncoderConfig;
import org.speechmoe.format.graph.FeatureConfig;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.format.graph.MoeConfig;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.spi.Matrix;

/**
 * What every benchmark shares: the model sizes, random data, weight matrices in any stored type (off-heap, as the
 * memory-mapped model holds them) and backends. Everything is deterministic for a given seed.
 */
public final class Fixtures {
    /** Frames of 10 s of audio after 4x subsampling (10 ms shift: 998 feature frames, 248 encoder frames). */
    public static final int FRAMES_10S = 250;
    /** Attention head size of both model sizes. */
    public static final int HEAD_DIM = 64;
    /** Depthwise convolution kernel of both model sizes. */
    public static final int CONV_KERNEL = 15;
    /** Vocabulary size of both model sizes. */
    public static final int VOCAB = 5000;
    /** Mel bins; the subsampling leaves {@code ((80 - 1) / 2 - 1) / 2 = 19} frequency positions. */
    public static final int MEL_BINS = 80;

    /**
     * The two model sizes of the performance issue: S = d 256, 8 MoE blocks of 8 experts (hidden 1024), an embedding
     * network of 3 blocks of d 144 (about 48 M parameters); L = the 3m-asr paper configuration, d 512, 12 MoE blocks
     * of 32 experts (hidden 2048), an embedding network of 6 blocks of d 512 (about 920 M parameters, 3.7 GB f32).
     */
    public enum Model {
        S(256, 4, 1024, 8, 8, 144, 4, 576, 3),
        L(512, 8, 2048, 12, 32, 512, 8, 2048, 6);

        public final int dim;
        public final int heads;
        public final int hidden;
        public final int blocks;
        public final int experts;
        public final int embedDim;
        public final int embedHeads;
        public final int embedFfn;
        public final int embedBlocks;

        Model(int dim, int heads, int hidden, int blocks, int experts, int embedDim, int embedHeads, int embedFfn,
              int embedBlocks) {
            this.dim = dim;
            this.heads = heads;
            this.hidden = hidden;
            this.blocks = blocks;
            this.experts = experts;
            this.embedDim = embedDim;
            this.embedHeads = embedHeads;
            this.embedFfn = embedFfn;
            this.embedBlocks = embedBlocks;
        }

        /** The graph of this size with {@code experts} experts per main block (routers without bias). */
        public GraphConfig graph(int experts) {
            return graph(experts, false);
        }

        /** The graph of this size with {@code experts} experts per main block. */
        public GraphConfig graph(int experts, boolean routerBias) {
            EncoderConfig encoder = new EncoderConfig(dim, heads, blocks, EncoderConfig.Activation.SWISH, true, true,
                    CONV_KERNEL, EncoderConfig.ConvNorm.BATCH_NORM, hidden);
            EncoderConfig embed = new EncoderConfig(embedDim, embedHeads, embedBlocks, EncoderConfig.Activation.SWISH,
                    true, true, CONV_KERNEL, EncoderConfig.ConvNorm.BATCH_NORM, embedFfn);
            List<String> tokens = new ArrayList<>(VOCAB);
            tokens.add("<blank>");
            for (int i = 1; i < VOCAB; i++) {
                tokens.add("▁t" + i);
            }
            return new GraphConfig(encoder, new MoeConfig(experts, hidden, routerBias, false), embed,
                    new FeatureConfig(16000, MEL_BINS, 25, 10), tokens);
        }
    }

    private Fixtures() {
    }

    /** Uniform values in {@code [-scale, scale)} from a xorshift generator (fast enough for gigabytes of weights). */
    public static float[] randomFloats(int n, long seed, float scale) {
        float[] out = new float[n];
        long s = seed * 0x9E3779B97F4A7C15L + 0x2545F4914F6CDD1DL;
        for (int i = 0; i < n; i++) {
            s ^= s << 13;
            s ^= s >>> 7;
            s ^= s << 17;
            out[i] = ((s >>> 40) * 0x1.0p-24f * 2f - 1f) * scale;
        }
        return out;
    }

    /** Values in {@code (0, 1)}: expert gates. */
    public static float[] randomGates(int n, long seed) {
        float[] out = randomFloats(n, seed, 0.5f);
        for (int i = 0; i < n; i++) {
            out[i] += 0.5f;
        }
        return out;
    }

    /**
     * A random {@code rows × cols} weight matrix stored as {@code dtype}, copied off-heap (aligned to 64 bytes) like
     * the memory-mapped model's tensors, with values of a Xavier-like scale.
     */
    public static Matrix matrix(DType dtype, int rows, int cols, long seed) {
        float[] values = randomFloats(Math.multiplyExact(rows, cols), seed, (float) Math.sqrt(3.0 / cols));
        ByteBuffer encoded = TensorCodec.encode(dtype, new long[] {rows, cols}, values);
        MemorySegment data = Arena.ofAuto().allocate(encoded.remaining(), 64);
        MemorySegment.copy(MemorySegment.ofBuffer(encoded), 0, data, 0, encoded.remaining());
        return Matrix.of(dtype, rows, cols, data);
    }

    /** Parses a dtype parameter: {@code f32}, {@code f16}, {@code bf16} or {@code q8} (any case). */
    public static DType dtype(String name) {
        return DType.valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** The named backend ({@code vector} or {@code scalar}) running each operation on {@code threads} threads. */
    public static Backend backend(String name, int threads) {
        return Backends.named(name, threads);
    }
}

package org.speechmoe.testkit;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import org.speechmoe.format.DType;
import org.speechmoe.format.SmoeFile;
import org.speechmoe.format.SmoeWriter;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.format.TensorInfo;
import org.speechmoe.format.WeightCodec;

/**
 * Copies of a model with its experts changed in ways the routing must see through: the experts of a layer relabelled
 * (their weights and their router columns permuted alike), or some experts' weights replaced by NaN. Every other
 * tensor, and every expert tensor's type, is copied byte for byte; an expert's rows are moved as whole blocks of each
 * plane its type stores (values, and the q8 scales), so a quantized expert stays the same bytes.
 */
final class ModelEdits {
    private static final List<String> EXPERT_TENSORS = List.of("experts.w_1.weight", "experts.w_1.bias",
            "experts.w_2.weight", "experts.w_2.bias");

    private ModelEdits() {
    }

    /**
     * Writes {@code model} with each layer's experts relabelled: old expert {@code e} of layer {@code l} becomes
     * expert {@code permutation[l][e]}, weights and router column alike.
     */
    static void permute(Path model, int[][] permutation, Path target) throws IOException {
        edit(model, target, (layer, blocks) -> {
            int[] p = permutation[layer];
            byte[][] old = new byte[p.length][];
            for (int e = 0; e < p.length; e++) {
                old[e] = blocks.get(e);
            }
            for (int e = 0; e < p.length; e++) {
                blocks.set(p[e], old[e]);
            }
        }, permutation);
    }

    /** Writes {@code model} with expert {@code e} of layer {@code l} made of NaN where {@code poisoned[l][e]}. */
    static void poison(Path model, boolean[][] poisoned, Path target) throws IOException {
        edit(model, target, (layer, blocks) -> {
            for (int e = 0; e < poisoned[layer].length; e++) {
                if (poisoned[layer][e]) {
                    blocks.poison(e);
                }
            }
        }, null);
    }

    /**
     * Copies the model, letting {@code experts} rearrange or overwrite each MoE layer's expert blocks, and permuting
     * the router's columns as {@code routerPermutation} says (null: routers unchanged).
     */
    private static void edit(Path model, Path target, BiConsumer<Integer, ExpertBlocks> experts,
                             int[][] routerPermutation) throws IOException {
        ModelUnderTest m = ModelUnderTest.of(model);
        try (SmoeFile f = SmoeFile.open(model)) {
            SmoeWriter w = new SmoeWriter(f.metadata());
            for (TensorInfo t : f.tensors()) {
                byte[] bytes = f.data(t).toArray(ValueLayout.JAVA_BYTE);
                DType dtype = t.dtype();
                for (int layer = 0; layer < m.layers(); layer++) {
                    String prefix = ModelUnderTest.prefix(layer);
                    if (EXPERT_TENSORS.stream().anyMatch(n -> t.name().equals(prefix + n))) {
                        experts.accept(layer, new ExpertBlocks(t, bytes, m.experts()));
                    } else if (routerPermutation != null && t.name().equals(prefix + "router_weights")) {
                        bytes = permuteColumns(t, f.data(t), routerPermutation[layer]);
                    } else if (routerPermutation != null && t.name().equals(prefix + "router_bias")) {
                        bytes = permuteColumns(t, f.data(t), routerPermutation[layer]);
                    }
                }
                w.add(t.name(), dtype, t.shape(), ByteBuffer.wrap(bytes));
            }
            w.write(target);
        }
    }

    /** The router's {@code [in, E]} (or bias {@code [E]}) values with column {@code e} moved to {@code p[e]}. */
    private static byte[] permuteColumns(TensorInfo t, MemorySegment data, int[] p) {
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException(t.name() + " is stored as " + t.dtype().label()
                    + ": the kit relabels f32 routers only");
        }
        float[] v = TensorCodec.decode(t, data);
        int cols = p.length;
        float[] out = new float[v.length];
        for (int r = 0; r < v.length / cols; r++) {
            for (int e = 0; e < cols; e++) {
                out[r * cols + p[e]] = v[r * cols + e];
            }
        }
        ByteBuffer b = ByteBuffer.allocate(out.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(out);
        return b.array();
    }

    /**
     * One stacked expert tensor's bytes ({@code [E, ...]}), seen as E blocks per plane: expert e's values are the
     * e-th E-th of the value plane, and with q8 its scales the e-th E-th of the scale plane.
     */
    static final class ExpertBlocks {
        private final byte[] bytes;
        private final DType dtype;
        private final long[][] planes;
        private final int experts;

        ExpertBlocks(TensorInfo t, byte[] bytes, int experts) {
            if (t.dim(0) != experts) {
                throw new IllegalArgumentException(t.name() + " has " + t.dim(0) + " experts, not " + experts);
            }
            this.bytes = bytes;
            this.dtype = t.dtype();
            this.experts = experts;
            WeightCodec codec = dtype.codec();
            MemorySegment all = MemorySegment.ofArray(bytes);
            MemorySegment values = codec.valuePlane(all, t.rows(), t.cols());
            MemorySegment scales = codec.scalePlane(all, t.rows(), t.cols());
            planes = scales == null ? new long[][] {{0, values.byteSize()}}
                    : new long[][] {{0, values.byteSize()}, {scales.address() - all.address(), scales.byteSize()}};
        }

        /** Expert {@code e}'s bytes in every plane, one after the other. */
        byte[] get(int e) {
            ByteBuffer out = ByteBuffer.allocate(blockBytes());
            for (long[] plane : planes) {
                int size = (int) (plane[1] / experts);
                out.put(bytes, (int) plane[0] + e * size, size);
            }
            return out.array();
        }

        /** Makes expert {@code e}'s bytes {@code block}, as {@link #get} gave them. */
        void set(int e, byte[] block) {
            int at = 0;
            for (long[] plane : planes) {
                int size = (int) (plane[1] / experts);
                System.arraycopy(block, at, bytes, (int) plane[0] + e * size, size);
                at += size;
            }
        }

        /**
         * Makes every value of expert {@code e} NaN: its scales with q8 (whose int8 values have no NaN), else its
         * values.
         */
        void poison(int e) {
            long[] plane = planes[planes.length - 1];
            int size = (int) (plane[1] / experts);
            ByteBuffer b = ByteBuffer.wrap(bytes, (int) plane[0] + e * size, size).order(ByteOrder.LITTLE_ENDIAN);
            switch (dtype) {
                case F32, Q8 -> {
                    while (b.remaining() >= Float.BYTES) {
                        b.putFloat(Float.NaN);
                    }
                }
                case F16 -> {
                    while (b.remaining() >= Short.BYTES) {
                        b.putShort((short) 0x7E00);
                    }
                }
                case BF16 -> {
                    while (b.remaining() >= Short.BYTES) {
                        b.putShort((short) 0x7FC0);
                    }
                }
            }
        }

        private int blockBytes() {
            int n = 0;
            for (long[] plane : planes) {
                n += (int) (plane[1] / experts);
            }
            return n;
        }
    }
}

package org.speechmoe.converter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.speechmoe.converter.checkpoint.Checkpoint;
import org.speechmoe.converter.checkpoint.Checkpoints;
import org.speechmoe.converter.checkpoint.SourceTensor;
import org.speechmoe.format.DType;
import org.speechmoe.format.Metadata;
import org.speechmoe.format.Shapes;
import org.speechmoe.format.SmoeWriter;
import org.speechmoe.format.TensorCodec;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.format.graph.GraphTensor;
import org.speechmoe.format.graph.GraphTensors;

/**
 * Turns a trained 3m-asr model (train.yaml, checkpoint, units.txt, global_cmvn) into one {@code .smoe} file. Each
 * tensor is read, checked, encoded and written in turn, so memory holds one tensor at a time, not the model.
 */
public final class Converter {
    /** What to convert; {@code matrixType} is the stored type of the weight matrices. */
    public record Request(Path config, Path checkpoint, Path units, Path cmvn, Path output, DType matrixType) {
    }

    private Converter() {
    }

    public static ConversionReport convert(Request r) throws IOException {
        for (Path p : List.of(r.config(), r.checkpoint(), r.units(), r.cmvn())) {
            if (!Files.isRegularFile(p)) {
                throw new ConversionException(p + ": no such file");
            }
        }
        List<String> tokens = Units.read(r.units());
        WenetConfig yaml = WenetConfig.read(r.config(), tokens);
        Cmvn cmvn = Cmvn.read(r.cmvn(), yaml.graph().features().numMelBins());

        try (Checkpoint ckpt = Checkpoints.open(r.checkpoint())) {
            Map<String, SourceTensor> tensors = ckpt.tensors();
            List<String> notes = new ArrayList<>();
            WenetConfig config = withCheckpointExperts(r.config(), yaml, tensors, notes);
            GraphConfig graph = config.graph();
            List<GraphTensor> all = GraphTensors.of(graph);
            List<GraphTensor> fromCheckpoint = all.stream()
                    .filter(t -> !t.name().equals(GraphTensors.CMVN_MEAN) && !t.name().equals(GraphTensors.CMVN_ISTD))
                    .toList();
            List<TensorMapping.Match> matches = TensorMapping.match(r.checkpoint(), config.prefix(), fromCheckpoint,
                    tensors);
            Metadata metadata = Metadata.builder().putAll(graph.toMetadata(config.nnetProto()))
                    .putString("general.matrix_dtype", r.matrixType().label())
                    .build();
            SmoeWriter writer = new SmoeWriter(metadata);
            writer.add(GraphTensors.CMVN_MEAN, DType.F32, new long[] {cmvn.mean().length},
                    TensorCodec.encode(DType.F32, new long[] {cmvn.mean().length}, cmvn.mean()));
            writer.add(GraphTensors.CMVN_ISTD, DType.F32, new long[] {cmvn.istd().length},
                    TensorCodec.encode(DType.F32, new long[] {cmvn.istd().length}, cmvn.istd()));
            ErrorStats stats = new ErrorStats();
            long f32Bytes = 8L * cmvn.mean().length;
            for (TensorMapping.Match m : matches) {
                GraphTensor g = m.graph();
                f32Bytes += DType.F32.byteSize(g.shape());
                writer.add(g.name(), Quantizer.storedType(g, r.matrixType()), g.shape(),
                        () -> encode(r.checkpoint(), m, r.matrixType(), stats));
            }
            writer.write(r.output());
            return new ConversionReport(r.output(), config.nnetProto(), all.size(), Files.size(r.checkpoint()),
                    f32Bytes, Files.size(r.output()), r.matrixType(), stats.count, stats.worst, stats.worstError,
                    stats.count == 0 ? 0 : stats.sum / stats.count, notes);
        }
    }

    /** Takes the number of experts from the first router: a checkpoint holds the experts of every training GPU. */
    private static WenetConfig withCheckpointExperts(Path yamlFile, WenetConfig yaml, Map<String, SourceTensor> tensors,
                                                     List<String> notes) throws ConversionException {
        SourceTensor router = tensors.get(yaml.prefix() + "blocks.0.feed_forward.router_weights");
        int configured = yaml.graph().moe().numExperts();
        if (router == null || router.shape().length != 2 || router.shape()[1] == configured) {
            return yaml;
        }
        long total = router.shape()[1];
        WenetConfig config = yaml.withExperts(yamlFile, (int) Math.min(total, Integer.MAX_VALUE));
        notes.add("moe_conf.num_experts is " + configured + " per training GPU; the checkpoint holds " + total
                + " experts per block (" + total / configured + " GPUs), all converted");
        return config;
    }

    private static ByteBuffer encode(Path checkpoint, TensorMapping.Match m, DType matrixType, ErrorStats stats)
            throws IOException {
        float[] values = m.source().toFloats();
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new ConversionException(checkpoint + ": tensor " + m.source().name() + " holds " + values[i]
                        + " at flat index " + i + " " + Shapes.format(m.source().shape())
                        + ": the model is broken (diverged training?)");
            }
        }
        Quantizer.Encoded e = Quantizer.encode(m.graph(), values, matrixType);
        if (e.dtype() != DType.F32) {
            stats.add(m.graph().name(), e.relativeError());
        }
        return e.bytes();
    }

    /** Accumulates the quantization error over the matrices as the writer encodes them. */
    private static final class ErrorStats {
        int count;
        double sum;
        double worstError = -1;
        String worst;

        void add(String name, double error) {
            count++;
            sum += error;
            if (error > worstError) {
                worstError = error;
                worst = name;
            }
        }
    }
}

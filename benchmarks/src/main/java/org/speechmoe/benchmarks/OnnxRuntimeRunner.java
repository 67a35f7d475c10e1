package org.speechmoe.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A SpeechMoE graph exported by {@code reference/export_onnx.py}, run by ONNX Runtime on the CPU: input
 * {@code feats} (frames × mel bins, CMVN applied), outputs {@code logp} (output frames × vocabulary) and
 * {@code routes} (blocks × output frames). Threads as a fair peer of speechmoe's: {@code intraOpThreads} per
 * operator, operators one after another (one inter-op thread, sequential mode).
 */
public final class OnnxRuntimeRunner implements AutoCloseable {
    /** One forward pass: log-probabilities and the top-1 expert of every block and frame. */
    public record Output(float[] logProbs, int frames, int vocab, int[] routes, int blocks) {
    }

    private final OrtEnvironment env;
    private final OrtSession session;
    private final int melBins;

    public OnnxRuntimeRunner(Path onnx, int melBins, int intraOpThreads) throws OrtException {
        this(onnx, melBins, intraOpThreads, null);
    }

    /**
     * With {@code profilePrefix} not null, ONNX Runtime records every node's time from session creation on and
     * writes them as Chrome-trace JSON at {@link #endProfiling} (the file name starts with the prefix).
     */
    public OnnxRuntimeRunner(Path onnx, int melBins, int intraOpThreads, Path profilePrefix) throws OrtException {
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalArgumentException(onnx + ": no such ONNX file (run reference/export_onnx.py)");
        }
        this.env = OrtEnvironment.getEnvironment();
        this.melBins = melBins;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (profilePrefix != null) {
                options.enableProfiling(profilePrefix.toString());
            }
            this.session = env.createSession(onnx.toString(), options);
        }
    }

    public Output run(float[] feats) throws OrtException {
        long frames = feats.length / melBins;
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(feats), new long[] {frames, melBins});
             OrtSession.Result result = session.run(Map.of("feats", input))) {
            OnnxTensor logp = (OnnxTensor) result.get("logp").orElseThrow();
            OnnxTensor routes = (OnnxTensor) result.get("routes").orElseThrow();
            long[] shape = logp.getInfo().getShape();
            long[] routeShape = routes.getInfo().getShape();
            FloatBuffer lp = logp.getFloatBuffer();
            float[] logProbs = new float[lp.remaining()];
            lp.get(logProbs);
            LongBuffer rb = routes.getLongBuffer();
            int[] r = new int[rb.remaining()];
            for (int i = 0; i < r.length; i++) {
                r[i] = (int) rb.get(i);
            }
            return new Output(logProbs, (int) shape[0], (int) shape[1], r, (int) routeShape[0]);
        }
    }

    /** Stops profiling and returns the JSON file ONNX Runtime wrote. */
    public Path endProfiling() throws OrtException {
        return Path.of(session.endProfiling());
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}

package org.speechmoe.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * ONNX Runtime's side of the cold-start comparison ({@code benchmarks/run-cold.sh}): one fresh process that creates
 * the session and recognizes SECONDS of audio once, timed from outside as a whole process like the speechmoe command
 * line. The audio is the features of {@code run-e2e.sh}'s 30 s (CMVN applied) repeated to the length asked, run in
 * pieces of at most 30 s as the command line's voice-activity cutter hands them to the encoder; the fbank (well under
 * a millisecond per audio second) is left out.
 *
 * <pre>java -cp speechmoe-benchmarks.jar org.speechmoe.benchmarks.OnnxColdRun MODEL.onnx FEATS.f32 SECONDS THREADS</pre>
 */
public final class OnnxColdRun {
    private static final int MEL_BINS = 80;
    /** Feature frames per second of 16 kHz audio (10 ms hop). */
    private static final int FRAMES_PER_SECOND = 100;
    private static final int PIECE_SECONDS = 30;

    private OnnxColdRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: OnnxColdRun MODEL.onnx FEATS.f32 SECONDS THREADS");
            System.exit(2);
        }
        long start = System.nanoTime();
        float[] source = floats(Path.of(args[1]));
        double seconds = Double.parseDouble(args[2]);
        int threads = Integer.parseInt(args[3]);
        int sourceFrames = source.length / MEL_BINS;
        int frames = (int) Math.round(seconds * FRAMES_PER_SECOND);
        int outputFrames = 0;
        try (OnnxRuntimeRunner ort = new OnnxRuntimeRunner(Path.of(args[0]), MEL_BINS, threads)) {
            for (int done = 0; done < frames; ) {
                int piece = Math.min(frames - done, PIECE_SECONDS * FRAMES_PER_SECOND);
                float[] feats = new float[piece * MEL_BINS];
                for (int f = 0; f < piece; f++) {
                    System.arraycopy(source, ((done + f) % sourceFrames) * MEL_BINS, feats, f * MEL_BINS, MEL_BINS);
                }
                outputFrames += ort.run(feats).frames();
                done += piece;
            }
        }
        System.out.printf(Locale.ROOT, "%d feature frames -> %d output frames in %.3f s (inside the process)%n",
                frames, outputFrames, (System.nanoTime() - start) / 1e9);
    }

    private static float[] floats(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.remaining() / Float.BYTES];
        bytes.asFloatBuffer().get(out);
        return out;
    }
}

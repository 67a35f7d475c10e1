package org.speechmoe.runtime.internal.audio;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

/** Audio streams that hand out their samples in blocks of random size, as a pipe or a live source would. */
final class Chopped {
    private Chopped() {
    }

    /** {@code audio}'s samples in blocks of 1 to 5,000 samples (sizes drawn from {@code seed}). */
    static AudioStream of(Samples audio, long seed) {
        Random random = new Random(seed);
        AudioStream whole = AudioStream.of(audio);
        return new AudioStream() {
            @Override
            public int sampleRate() {
                return whole.sampleRate();
            }

            @Override
            public int read(float[] buffer) throws IOException {
                int n = 1 + random.nextInt(Math.min(buffer.length, 5000));
                float[] part = new float[n];
                int got = whole.read(part);
                if (got > 0) {
                    System.arraycopy(part, 0, buffer, 0, got);
                }
                return got;
            }
        };
    }

    /** All of {@code stream}, read with buffers of random size. */
    static float[] drain(AudioStream stream, long seed) {
        Random random = new Random(seed);
        float[] all = new float[0];
        try {
            while (true) {
                float[] buffer = new float[1 + random.nextInt(7000)];
                int n = stream.read(buffer);
                if (n < 0) {
                    return all;
                }
                int at = all.length;
                all = Arrays.copyOf(all, at + n);
                System.arraycopy(buffer, 0, all, at, n);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

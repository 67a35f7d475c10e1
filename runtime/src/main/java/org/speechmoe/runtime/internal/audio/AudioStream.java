package org.speechmoe.runtime.internal.audio;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;

/**
 * Mono audio read block by block, front to back, at a fixed sample rate: what a recognizer consumes, so that a long
 * recording never has to be in memory whole. Not thread-safe.
 */
public interface AudioStream extends Closeable {
    /** Samples per second. */
    int sampleRate();

    /**
     * Reads up to {@code buffer.length} samples into {@code buffer}; -1 at the end of the audio. A stream that reads
     * from a source (a file, a pipe) blocks until it has at least 1; a stream that is pushed to ({@link PushedAudio})
     * returns 0 when it holds nothing yet, and so does any stream reading from one.
     *
     * @throws AudioFormatException when the audio turns out damaged on the way
     */
    int read(float[] buffer) throws IOException;

    /** Releases what the stream reads from (a file it opened); closing again does nothing. */
    @Override
    default void close() throws IOException {
    }

    /** The samples of {@code audio}, in blocks. */
    static AudioStream of(Samples audio) {
        return new AudioStream() {
            private int at;

            @Override
            public int sampleRate() {
                return audio.sampleRate();
            }

            @Override
            public int read(float[] buffer) {
                float[] x = audio.samples();
                if (at == x.length) {
                    return -1;
                }
                int n = Math.min(buffer.length, x.length - at);
                System.arraycopy(x, at, buffer, 0, n);
                at += n;
                return n;
            }
        };
    }

    /** {@code stream}, refusing at its end when it gave no sample at all. */
    static AudioStream nonEmpty(AudioStream stream, String name) {
        return new AudioStream() {
            private boolean any;

            @Override
            public int sampleRate() {
                return stream.sampleRate();
            }

            @Override
            public void close() throws IOException {
                stream.close();
            }

            @Override
            public int read(float[] buffer) throws IOException {
                int n = stream.read(buffer);
                if (n < 0 && !any) {
                    throw new AudioFormatException(name + ": contains no samples");
                }
                any = true;
                return n;
            }
        };
    }

    /**
     * All of {@code stream}'s samples in one array.
     *
     * @throws AudioFormatException when it holds more than an array holds
     */
    static Samples readAll(AudioStream stream, String name) throws IOException {
        float[] block = new float[Blocks.SAMPLES];
        float[] all = new float[Blocks.SAMPLES];
        int count = 0;
        for (int n; (n = stream.read(block)) >= 0; ) {
            if (n > Blocks.MAX_SAMPLES - count) {
                throw new AudioFormatException(name + ": too long (more than " + Blocks.MAX_SAMPLES
                        + " samples); split it into shorter files");
            }
            if (count + n > all.length) {
                all = Arrays.copyOf(all, (int) Math.min(Blocks.MAX_SAMPLES, Math.max(count + n, 2L * all.length)));
            }
            System.arraycopy(block, 0, all, count, n);
            count += n;
        }
        return new Samples(Arrays.copyOf(all, count), stream.sampleRate());
    }
}

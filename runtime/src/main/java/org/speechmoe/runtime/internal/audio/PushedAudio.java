package org.speechmoe.runtime.internal.audio;

/**
 * Audio that arrives by pushes (a microphone's blocks, a network packet) rather than by reads: it holds what was pushed
 * and not yet read, and {@link #read} returns 0 when that is nothing, so that a resampler reading from it
 * ({@link Resampler#resample(AudioStream, int)}) gives what it can now and the rest after the next push. Not
 * thread-safe: push and read from one thread.
 */
public final class PushedAudio implements AudioStream {
    private final int sampleRate;
    private float[] queue = new float[Blocks.SAMPLES];
    private int start;
    private int end;
    private boolean ended;

    public PushedAudio(int sampleRate) {
        this.sampleRate = sampleRate;
    }

    @Override
    public int sampleRate() {
        return sampleRate;
    }

    /**
     * Appends {@code samples[from, from + n)}.
     *
     * @throws IllegalStateException after {@link #end()}
     */
    public void push(float[] samples, int from, int n) {
        if (ended) {
            throw new IllegalStateException("the audio has ended");
        }
        if (end + n > queue.length) {
            int held = end - start;
            float[] grown = held + n > queue.length ? new float[Math.max(held + n, 2 * queue.length)] : queue;
            System.arraycopy(queue, start, grown, 0, held);
            queue = grown;
            start = 0;
            end = held;
        }
        System.arraycopy(samples, from, queue, end, n);
        end += n;
    }

    /** No more pushes: reads return what is held, then -1. */
    public void end() {
        ended = true;
    }

    @Override
    public int read(float[] buffer) {
        if (start == end) {
            return ended ? -1 : 0;
        }
        int n = Math.min(buffer.length, end - start);
        System.arraycopy(queue, start, buffer, 0, n);
        start += n;
        if (start == end) {
            start = 0;
            end = 0;
        }
        return n;
    }
}

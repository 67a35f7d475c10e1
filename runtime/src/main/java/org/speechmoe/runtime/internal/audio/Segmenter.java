package org.speechmoe.runtime.internal.audio;

import java.util.Arrays;

/**
 * Cuts a long recording, as it is read, into segments of bounded length at pauses, so that it is recognized piece by
 * piece: the encoder's attention is quadratic in its input, and a whole hour would need gigabytes and ten minutes
 * where 30-second pieces need a bounded amount and time linear in the length. A recording of at most
 * {@link #MAX_SECONDS} is one segment, recognized exactly as a whole.
 *
 * <p>Each cut goes in the middle of the longest pause (at least {@link #MIN_PAUSE_SECONDS} of inactive frames,
 * {@link VoiceActivity}) that leaves the segment between {@link #MIN_SECONDS} and {@link #MAX_SECONDS} long, the
 * latest of equally long ones. When nobody pauses for that long, the cut is forced at {@link #MAX_SECONDS} and the
 * next segment starts {@link #OVERLAP_SECONDS} earlier: both see the words around the cut with some context, and each
 * keeps only the words that start on its side of the overlap's middle.
 *
 * <p>The noise floor that tells pauses from sound is that of everything read up to the cut (at least
 * {@link #MAX_SECONDS}), not of the whole recording, which a stream does not have yet. It holds at most
 * {@link #MAX_SECONDS} of audio and a histogram of levels, whatever the recording's length. Not thread-safe.
 */
public final class Segmenter {
    public static final double MAX_SECONDS = 30;
    static final double MIN_SECONDS = 10;
    static final double MIN_PAUSE_SECONDS = 0.3;
    static final double OVERLAP_SECONDS = 2;

    /** Receives each segment as soon as it is cut. */
    @FunctionalInterface
    public interface Sink {
        void segment(Segmentation where, Samples audio);
    }

    private final int rate;
    private final int hop;
    private final int max;
    private final int minLength;
    private final int overlap;
    private final int minPause;
    private final VoiceActivity levels;
    /** Samples {@code [from, from + length)} of the recording; one more than a segment holds, to know it is full. */
    private final float[] buffer;
    private long from;
    private int length;
    private long keepFrom;
    private boolean finished;

    public Segmenter(int sampleRate) {
        rate = sampleRate;
        hop = VoiceActivity.hop(sampleRate);
        levels = new VoiceActivity(sampleRate);
        max = (int) Math.min(Integer.MAX_VALUE - 8, (long) (MAX_SECONDS * sampleRate));
        minLength = (int) (MIN_SECONDS * sampleRate);
        overlap = (int) (OVERLAP_SECONDS * sampleRate);
        minPause = (int) Math.ceil(MIN_PAUSE_SECONDS * VoiceActivity.FRAMES_PER_SECOND);
        buffer = new float[max + 1];
    }

    public int sampleRate() {
        return rate;
    }

    /** Takes the next {@code n} samples of the recording, handing {@code sink} every segment they complete. */
    public void accept(float[] samples, int n, Sink sink) {
        if (finished) {
            throw new IllegalStateException("the recording has ended");
        }
        for (int at = 0; at < n; ) {
            int take = Math.min(n - at, buffer.length - length);
            System.arraycopy(samples, at, buffer, length, take);
            levels.addSamples(buffer, length, take);
            length += take;
            at += take;
            if (length == buffer.length) {
                cut(sink);
            }
        }
    }

    /** Ends the recording: hands {@code sink} its last segment (an empty one when it held no sample at all). */
    public void finish(Sink sink) {
        if (!finished) {
            finished = true;
            emit(sink, new Segmentation(from, from + length, keepFrom, Long.MAX_VALUE), length, length);
        }
    }

    /** The buffer is one sample past a segment: cut it at a pause, or force the cut with an overlap. */
    private void cut(Sink sink) {
        long cut = pauseCut(from + minLength, from + max);
        if (cut > 0) {
            int used = (int) (cut - from);
            emit(sink, new Segmentation(from, cut, keepFrom, cut), used, used);
            keepFrom = cut;
        } else {
            long end = from + max;
            long middle = end - overlap / 2;
            emit(sink, new Segmentation(from, end, keepFrom, middle), max, max - overlap);
            keepFrom = middle;
        }
    }

    /** Hands over the segment's first {@code size} buffered samples, then drops the first {@code consumed}. */
    private void emit(Sink sink, Segmentation where, int size, int consumed) {
        sink.segment(where, new Samples(Arrays.copyOf(buffer, size), rate));
        System.arraycopy(buffer, consumed, buffer, 0, length - consumed);
        length -= consumed;
        from += consumed;
    }

    /**
     * The middle of the longest run of at least {@link #minPause} inactive frames lying within samples
     * {@code [earliest, latest]}, the latest of equally long ones; 0 when there is none.
     */
    private long pauseCut(long earliest, long latest) {
        double threshold = levels.threshold();
        long first = (earliest + hop - 1) / hop;
        long last = latest / hop;
        long bestLength = 0;
        long bestMiddle = 0;
        long runStart = -1;
        for (long f = first; f <= last; f++) {
            boolean quiet = f < last && VoiceActivity.energyDb(buffer, (int) (f * hop - from),
                    (int) (f * hop + hop - from)) <= threshold;
            if (quiet && runStart < 0) {
                runStart = f;
            } else if (!quiet && runStart >= 0) {
                long run = f - runStart;
                if (run >= minPause && run >= bestLength) {
                    bestLength = run;
                    bestMiddle = (runStart + f) / 2 * hop;
                }
                runStart = -1;
            }
        }
        return bestMiddle;
    }
}

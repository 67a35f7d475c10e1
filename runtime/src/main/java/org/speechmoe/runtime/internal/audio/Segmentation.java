package org.speechmoe.runtime.internal.audio;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a long recording into segments of bounded length, at pauses, so that it is recognized piece by piece: the
 * encoder's attention is quadratic in its input, and a whole hour would need gigabytes and ten minutes where
 * two-minute pieces need a bounded amount and time linear in the length. A recording of at most {@link #MAX_SECONDS}
 * is one segment, recognized exactly as a whole.
 *
 * <p>Each cut goes in the middle of the longest pause (at least {@link #MIN_PAUSE_SECONDS} of inactive frames,
 * {@link VoiceActivity}) that leaves the segment between {@link #MIN_SECONDS} and {@link #MAX_SECONDS} long, the
 * latest of equally long ones. When nobody pauses for that long, the cut is forced at {@link #MAX_SECONDS} and the
 * next segment starts {@link #OVERLAP_SECONDS} earlier: both see the words around the cut with some context, and each
 * keeps only the words that start on its side of the overlap's middle.
 *
 * @param from     first sample of the segment
 * @param to       one past its last sample
 * @param keepFrom the earliest start, in samples, of a word this segment reports
 * @param keepTo   one past the latest start of a word it reports ({@link Integer#MAX_VALUE} for the last segment)
 */
public record Segmentation(int from, int to, int keepFrom, int keepTo) {
    public static final double MAX_SECONDS = 30;
    static final double MIN_SECONDS = 10;
    static final double MIN_PAUSE_SECONDS = 0.3;
    static final double OVERLAP_SECONDS = 2;

    /** The segments of {@code audio}, in order; they cover it, and their keep ranges tile it. */
    public static List<Segmentation> of(Samples audio) {
        int rate = audio.sampleRate();
        int n = audio.samples().length;
        int max = (int) Math.min(Integer.MAX_VALUE, (long) (MAX_SECONDS * rate));
        List<Segmentation> segments = new ArrayList<>();
        if (n <= max) {
            segments.add(new Segmentation(0, n, 0, Integer.MAX_VALUE));
            return segments;
        }
        VoiceActivity activity = VoiceActivity.of(audio);
        int hop = Math.max(1, rate / VoiceActivity.FRAMES_PER_SECOND);
        int minPause = (int) Math.ceil(MIN_PAUSE_SECONDS * VoiceActivity.FRAMES_PER_SECOND);
        int overlap = (int) (OVERLAP_SECONDS * rate);
        int from = 0;
        int keepFrom = 0;
        while (n - from > max) {
            int cut = pauseCut(activity, hop, minPause, from + (int) (MIN_SECONDS * rate), from + max);
            if (cut > 0) {
                segments.add(new Segmentation(from, cut, keepFrom, cut));
                from = cut;
                keepFrom = cut;
            } else {
                int end = from + max;
                int middle = end - overlap / 2;
                segments.add(new Segmentation(from, end, keepFrom, middle));
                from = end - overlap;
                keepFrom = middle;
            }
        }
        segments.add(new Segmentation(from, n, keepFrom, Integer.MAX_VALUE));
        return segments;
    }

    /**
     * The middle of the longest run of at least {@code minPause} inactive frames lying within samples
     * {@code [earliest, latest]}, the latest of equally long ones; 0 when there is none.
     */
    private static int pauseCut(VoiceActivity activity, int hop, int minPause, int earliest, int latest) {
        int first = (earliest + hop - 1) / hop;
        int last = Math.min(activity.frames(), latest / hop);
        int bestLength = 0;
        int bestMiddle = 0;
        int runStart = -1;
        for (int f = first; f <= last; f++) {
            boolean quiet = f < last && !activity.active(f);
            if (quiet && runStart < 0) {
                runStart = f;
            } else if (!quiet && runStart >= 0) {
                int length = f - runStart;
                if (length >= minPause && length >= bestLength) {
                    bestLength = length;
                    bestMiddle = (runStart + f) / 2 * hop;
                }
                runStart = -1;
            }
        }
        return bestMiddle;
    }

    /** The segment's samples, copied. */
    public Samples samples(Samples audio) {
        return new Samples(Arrays.copyOfRange(audio.samples(), from, to), audio.sampleRate());
    }
}

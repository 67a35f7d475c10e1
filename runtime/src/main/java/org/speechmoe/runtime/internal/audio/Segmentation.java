package org.speechmoe.runtime.internal.audio;

import java.util.ArrayList;
import java.util.List;

/**
 * Where one segment of a long recording lies ({@link Segmenter} explains the cuts), in samples of the recording.
 *
 * @param from     first sample of the segment
 * @param to       one past its last sample
 * @param keepFrom the earliest start, in samples, of a word this segment reports
 * @param keepTo   one past the latest start of a word it reports ({@link Long#MAX_VALUE} for the last segment)
 */
public record Segmentation(long from, long to, long keepFrom, long keepTo) {
    /** The segments of {@code audio}, in order; they cover it, and their keep ranges tile it. */
    public static List<Segmentation> of(Samples audio) {
        List<Segmentation> segments = new ArrayList<>();
        Segmenter segmenter = new Segmenter(audio.sampleRate());
        float[] x = audio.samples();
        segmenter.accept(x, x.length, (where, samples) -> segments.add(where));
        segmenter.finish((where, samples) -> segments.add(where));
        return segments;
    }

    /** Whether a word starting {@code seconds} into the recording belongs to this segment's transcript. */
    public boolean keeps(double seconds, double sampleRate) {
        return seconds >= keepFrom / sampleRate && seconds < keepTo / sampleRate;
    }
}

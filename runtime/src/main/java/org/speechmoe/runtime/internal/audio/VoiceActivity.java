package org.speechmoe.runtime.internal.audio;

import java.util.Arrays;

/**
 * Where a recording holds sound and where it pauses, per 10 ms frame, from the frames' energy: a frame is active when
 * its energy stands {@value #MARGIN_DB} dB above the recording's noise floor (the {@value #FLOOR_PERCENTILE}th
 * percentile of its frame energies) and above {@value #SILENCE_DBFS} dBFS. When the recording hardly pauses, that
 * percentile is speech itself; the threshold is then held {@value #MARGIN_DB} dB below its loud level (the
 * {@value #LOUD_PERCENTILE}th percentile), so that sound at a steady level counts as active, not as one long pause. Speech pauses between phrases for a few
 * hundred milliseconds, far longer than the gaps inside words, so runs of inactive frames are where a long recording
 * can be cut without cutting a word. Deterministic and pure Java; the floor adapts to each recording's level, so a
 * quiet telephone line and a loud studio take are treated alike.
 */
public final class VoiceActivity {
    /** Frames a second: 10 ms frames, the fbank's frame shift. */
    public static final int FRAMES_PER_SECOND = 100;
    static final double MARGIN_DB = 10;
    static final int FLOOR_PERCENTILE = 10;
    static final int LOUD_PERCENTILE = 90;
    /** Below this a frame is silence whatever the floor: the level of a digitally silent or dithered input. */
    static final double SILENCE_DBFS = -60;

    private final boolean[] active;

    private VoiceActivity(boolean[] active) {
        this.active = active;
    }

    /** The activity of {@code audio}: one frame per 10 ms, the last partial frame included. */
    public static VoiceActivity of(Samples audio) {
        float[] x = audio.samples();
        int hop = Math.max(1, audio.sampleRate() / FRAMES_PER_SECOND);
        int frames = (x.length + hop - 1) / hop;
        double[] energy = new double[frames];
        for (int f = 0; f < frames; f++) {
            int from = f * hop;
            int to = Math.min(x.length, from + hop);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += (double) x[i] * x[i];
            }
            energy[f] = 10 * Math.log10(sum / (to - from) + 1e-12);
        }
        double threshold = SILENCE_DBFS;
        if (frames > 0) {
            double[] sorted = energy.clone();
            Arrays.sort(sorted);
            double floor = sorted[(frames - 1) * FLOOR_PERCENTILE / 100];
            double loud = sorted[(frames - 1) * LOUD_PERCENTILE / 100];
            threshold = Math.max(threshold, Math.min(floor + MARGIN_DB, loud - MARGIN_DB));
        }
        boolean[] active = new boolean[frames];
        for (int f = 0; f < frames; f++) {
            active[f] = energy[f] > threshold;
        }
        return new VoiceActivity(active);
    }

    public int frames() {
        return active.length;
    }

    public boolean active(int frame) {
        return active[frame];
    }
}

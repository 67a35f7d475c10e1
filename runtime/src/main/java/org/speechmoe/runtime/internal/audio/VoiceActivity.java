package org.speechmoe.runtime.internal.audio;

/**
 * Where a recording holds sound and where it pauses, per 10 ms frame, from the frames' energy: a frame is active when
 * its energy stands {@value #MARGIN_DB} dB above the recording's noise floor (the {@value #FLOOR_PERCENTILE}th
 * percentile of its frame energies) and above {@value #SILENCE_DBFS} dBFS. When the recording hardly pauses, that
 * percentile is speech itself; the threshold is then held {@value #MARGIN_DB} dB below its loud level (the
 * {@value #LOUD_PERCENTILE}th percentile), so that sound at a steady level counts as active, not as one long pause.
 * Speech pauses between phrases for a few hundred milliseconds, far longer than the gaps inside words, so runs of
 * inactive frames are where a long recording can be cut without cutting a word. Deterministic and pure Java; the
 * floor adapts to each recording's level, so a quiet telephone line and a loud studio take are treated alike.
 *
 * <p>The percentiles come from a histogram of the frame energies in {@value #BIN_DB} dB bins, so that a recording
 * read as a stream can ask for the threshold of everything heard so far in constant memory.
 */
public final class VoiceActivity {
    /** Frames a second: 10 ms frames, the fbank's frame shift. */
    public static final int FRAMES_PER_SECOND = 100;
    static final double MARGIN_DB = 10;
    static final int FLOOR_PERCENTILE = 10;
    static final int LOUD_PERCENTILE = 90;
    /** Below this a frame is silence whatever the floor: the level of a digitally silent or dithered input. */
    static final double SILENCE_DBFS = -60;
    static final double BIN_DB = 0.1;
    /** The energy of a frame of zeros, {@code 10·log10(1e-12)}, is the lowest there is. */
    private static final double LOWEST_DB = -120;
    /** Float input may exceed full scale; louder frames share the top bin. */
    private static final double HIGHEST_DB = 80;

    private final long[] bins = new long[(int) Math.round((HIGHEST_DB - LOWEST_DB) / BIN_DB) + 1];
    private long frames;
    private final int hop;
    /** The frame being summed by {@link #addSamples}: frames start at multiples of {@link #hop}. */
    private double frameSum;
    private int frameCount;

    /** Levels of audio at {@code sampleRate}, none counted yet. */
    public VoiceActivity(int sampleRate) {
        this.hop = hop(sampleRate);
    }

    /** Samples a frame at {@code sampleRate}. */
    public static int hop(int sampleRate) {
        return Math.max(1, sampleRate / FRAMES_PER_SECOND);
    }

    /** The energy in dB of samples {@code [from, to)} of {@code x} (not empty). */
    public static double energyDb(float[] x, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) x[i] * x[i];
        }
        return decibels(sum / (to - from));
    }

    /** A mean square in dB, with the floor of a frame of zeros. */
    static double decibels(double meanSquare) {
        return 10 * Math.log10(meanSquare + 1e-12);
    }

    /** Counts the frames that the recording's next samples, {@code x[from, from + n)}, complete. */
    public void addSamples(float[] x, int from, int n) {
        for (int i = from; i < from + n; i++) {
            frameSum += (double) x[i] * x[i];
            if (++frameCount == hop) {
                add(decibels(frameSum / hop));
                frameSum = 0;
                frameCount = 0;
            }
        }
    }

    /** Counts one more frame of the recording. */
    void add(double energyDb) {
        int bin = (int) Math.round((Math.min(HIGHEST_DB, Math.max(LOWEST_DB, energyDb)) - LOWEST_DB) / BIN_DB);
        bins[bin]++;
        frames++;
    }

    /** The level above which a frame is active, given the frames counted so far. */
    public double threshold() {
        if (frames == 0) {
            return SILENCE_DBFS;
        }
        double floor = percentile(FLOOR_PERCENTILE);
        double loud = percentile(LOUD_PERCENTILE);
        return Math.max(SILENCE_DBFS, Math.min(floor + MARGIN_DB, loud - MARGIN_DB));
    }

    /** The frame energy of rank {@code (frames - 1) · p / 100} in ascending order, to the bin. */
    private double percentile(int p) {
        long rank = (frames - 1) * p / 100;
        long seen = 0;
        for (int b = 0; b < bins.length; b++) {
            seen += bins[b];
            if (seen > rank) {
                return LOWEST_DB + b * BIN_DB;
            }
        }
        return HIGHEST_DB;
    }

    /** The activity of every frame of {@code audio} (the last partial frame included), as a whole-recording floor gives it. */
    public static boolean[] of(Samples audio) {
        float[] x = audio.samples();
        int hop = hop(audio.sampleRate());
        int n = (x.length + hop - 1) / hop;
        double[] energy = new double[n];
        VoiceActivity levels = new VoiceActivity(audio.sampleRate());
        for (int f = 0; f < n; f++) {
            energy[f] = energyDb(x, f * hop, Math.min(x.length, f * hop + hop));
            levels.add(energy[f]);
        }
        double threshold = levels.threshold();
        boolean[] active = new boolean[n];
        for (int f = 0; f < n; f++) {
            active[f] = energy[f] > threshold;
        }
        return active;
    }
}

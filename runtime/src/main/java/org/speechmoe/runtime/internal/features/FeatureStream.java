package org.speechmoe.runtime.internal.features;

import java.util.Arrays;

/**
 * Features of audio that arrives in pieces: samples at the model's rate go in, in blocks of any size, and the
 * CMVN-normalized rows of every frame they complete come out. A frame is computed from its own window of samples by
 * the same code as {@link FbankExtractor#compute(float[])}, so the rows are bit-identical to the whole recording's.
 * One stream, one caller at a time.
 */
public final class FeatureStream {
    private final FbankExtractor fbank;
    private final Cmvn cmvn;
    private final FbankExtractor.Scratch scratch;
    /** Samples from the next frame's start on. */
    private float[] pending = new float[0];
    private int count;
    /** Samples still to drop before the next frame's start: frames further apart than a window leave gaps. */
    private long skip;
    private int emitted;

    public FeatureStream(FbankExtractor fbank, Cmvn cmvn) {
        if (cmvn.mean().length != fbank.numMelBins()) {
            throw new IllegalArgumentException("CMVN is for " + cmvn.mean().length + " bins, the features have "
                    + fbank.numMelBins());
        }
        this.fbank = fbank;
        this.cmvn = cmvn;
        scratch = fbank.new Scratch();
    }

    public int numMelBins() {
        return fbank.numMelBins();
    }

    /** Frames emitted since the start (or the last {@link #reset()}). */
    public int framesEmitted() {
        return emitted;
    }

    /**
     * Takes {@code samples[0 .. length)} (mono, in [-1, 1], at the model's sample rate) and returns the normalized
     * features of the frames they complete (0 rows when none).
     */
    public Features accept(float[] samples, int length) {
        if (length < 0 || length > samples.length) {
            throw new IllegalArgumentException(length + " samples of an array of " + samples.length);
        }
        int from = (int) Math.min(skip, length);
        skip -= from;
        length -= from;
        if (pending.length < count + length) {
            pending = Arrays.copyOf(pending, Math.max(count + length, 2 * pending.length));
        }
        System.arraycopy(samples, from, pending, count, length);
        count += length;
        int frames = fbank.numFrames(count);
        int bins = fbank.numMelBins();
        float[] rows = new float[frames * bins];
        for (int t = 0; t < frames; t++) {
            fbank.computeFrame(pending, t * fbank.windowShift(), rows, t * bins, scratch);
        }
        int consumed = Math.min(count, frames * fbank.windowShift());
        skip += (long) frames * fbank.windowShift() - consumed;
        System.arraycopy(pending, consumed, pending, 0, count - consumed);
        count -= consumed;
        emitted += frames;
        Features out = new Features(frames, bins, rows);
        cmvn.applyInPlace(out);
        return out;
    }

    /** Back to the start of a new recording. */
    public void reset() {
        count = 0;
        skip = 0;
        emitted = 0;
    }
}

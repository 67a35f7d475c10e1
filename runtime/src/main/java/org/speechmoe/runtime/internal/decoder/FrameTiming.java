package org.speechmoe.runtime.internal.decoder;

/**
 * Maps encoder output frames to seconds. Output frame {@code t} sees the {@code receptiveField} feature frames
 * starting at {@code subsampling * t} (conv2d 4x: two 3x3 stride-2 convolutions, so 4t .. 4t+6), and feature frame
 * {@code f} covers {@code [f * frameShift, f * frameShift + window)}. The time of output frame {@code t} is the
 * centre of what it sees: the centre of its middle feature frame,
 * <pre>  time(t) = (subsampling * t + (receptiveField - 1) / 2) * frameShift + window / 2</pre>
 * (conv2d 4x, 10 ms shift, 25 ms window: 42.5 ms + 40 ms * t). A token emitted on frames {@code first..last} lasts
 * from {@code time(first)} to {@code time(last) + step}, one output step past its last frame; both are clipped to
 * the audio's duration. Consecutive tokens therefore never overlap.
 *
 * @param frameShift     seconds between feature frames
 * @param window         seconds of audio in a feature frame
 * @param subsampling    feature frames per output frame
 * @param receptiveField feature frames one output frame depends on
 */
public record FrameTiming(double frameShift, double window, int subsampling, int receptiveField) {
    public FrameTiming {
        if (!(frameShift > 0) || !(window > 0) || subsampling < 1 || receptiveField < 1) {
            throw new IllegalArgumentException("bad frame timing: shift " + frameShift + ", window " + window
                    + ", subsampling " + subsampling + ", receptive field " + receptiveField);
        }
    }

    /** Seconds between consecutive output frames. */
    public double step() {
        return subsampling * frameShift;
    }

    /** The time of output frame {@code frame}, not clipped. */
    public double time(int frame) {
        return (subsampling * (double) frame + (receptiveField - 1) / 2.0) * frameShift + window / 2;
    }

    /** The start of a token first emitted at {@code firstFrame}, within audio of {@code duration} seconds. */
    public double start(int firstFrame, double duration) {
        return Math.min(time(firstFrame), duration);
    }

    /** The end of a token last emitted at {@code lastFrame}, within audio of {@code duration} seconds. */
    public double end(int lastFrame, double duration) {
        return Math.min(time(lastFrame) + step(), duration);
    }
}

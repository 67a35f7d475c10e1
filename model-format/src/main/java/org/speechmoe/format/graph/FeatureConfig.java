package org.speechmoe.format.graph;

/** The Kaldi fbank front end the model was trained on; dither is a training-time option and always 0 here. */
public record FeatureConfig(int sampleRate, int numMelBins, double frameLengthMs, double frameShiftMs) {
    public FeatureConfig {
        EncoderConfig.require(sampleRate > 0, "sample rate must be positive");
        EncoderConfig.require(numMelBins >= 7, "num_mel_bins must be at least 7 for conv2d subsampling, got "
                + numMelBins);
        EncoderConfig.require(frameLengthMs > 0 && frameShiftMs > 0, "frame length and shift must be positive");
    }

    /** Frequency bins left after the two stride-2 3x3 convolutions of {@code conv2d} subsampling. */
    public int subsampledBins() {
        return ((numMelBins - 1) / 2 - 1) / 2;
    }
}

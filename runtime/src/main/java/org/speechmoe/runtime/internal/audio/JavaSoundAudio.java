package org.speechmoe.runtime.internal.audio;

import java.io.IOException;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;

/**
 * Reads a Java Sound {@link AudioInputStream} to its end as mono samples: PCM (signed, or unsigned) of 8 to 32 bits in
 * either byte order, or 32/64-bit float; channels are averaged, as {@link WavReader} does.
 */
public final class JavaSoundAudio {
    /** As many as a WAV header can declare; a damaged AU or AIFF header can claim millions. */
    private static final int MAX_CHANNELS = 65_535;
    private static final int BLOCK_BYTES = 1 << 16;
    private static final int MAX_EMPTY_READS = 10_000;

    private JavaSoundAudio() {
    }

    public static Samples read(AudioInputStream stream) throws IOException {
        return read(stream, "audio stream");
    }

    /** As {@link #read(AudioInputStream)}; {@code name} starts every error message. */
    static Samples read(AudioInputStream stream, String name) throws IOException {
        AudioFormat f = stream.getFormat();
        AudioFormat.Encoding enc = f.getEncoding();
        int bits = f.getSampleSizeInBits();
        int channels = f.getChannels();
        int bytes = (bits + 7) / 8;
        boolean pcm = enc.equals(AudioFormat.Encoding.PCM_SIGNED) || enc.equals(AudioFormat.Encoding.PCM_UNSIGNED);
        boolean isFloat = enc.equals(AudioFormat.Encoding.PCM_FLOAT);
        if (!(pcm && bits >= 1 && bits <= 32) && !(isFloat && (bits == 32 || bits == 64))) {
            throw new AudioFormatException(name + ": unsupported Java Sound format " + f
                    + " (PCM of 8 to 32 bits or 32/64-bit float are read)");
        }
        if (channels < 1 || channels > MAX_CHANNELS || f.getFrameSize() != bytes * channels) {
            throw new AudioFormatException(name + ": unsupported Java Sound format " + f);
        }
        SampleRates.check(f.getSampleRate(), name);
        byte[] data = readFrames(stream, f.getFrameSize(), name);
        int frames = data.length / f.getFrameSize();
        if (frames == 0) {
            throw new AudioFormatException(name + ": contains no samples");
        }
        boolean unsigned = enc.equals(AudioFormat.Encoding.PCM_UNSIGNED);
        double scale = Math.scalb(1.0, 8 * bytes - 1);
        float[] out = new float[frames];
        for (int t = 0; t < frames; t++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                long raw = word(data, (t * channels + c) * bytes, bytes, f.isBigEndian());
                double v;
                if (isFloat) {
                    v = bytes == 4 ? Float.intBitsToFloat((int) raw) : Double.longBitsToDouble(raw);
                } else {
                    long shifted = raw << (64 - 8 * bytes);
                    v = (unsigned ? (shifted >>> (64 - 8 * bytes)) - scale : shifted >> (64 - 8 * bytes)) / scale;
                }
                sum += v;
            }
            float sample = (float) (sum / channels);
            if (!Float.isFinite(sample)) {
                throw new AudioFormatException(name + ": sample " + t + " is " + sample + ", not a usable value");
            }
            out[t] = sample;
        }
        return new Samples(out, Math.round(f.getSampleRate()));
    }

    /**
     * The stream to its end, in whole frames. Not {@code readAllBytes}, which spins forever on a stream that keeps
     * answering 0 (an {@code AudioInputStream} does for reads shorter than a frame, and a damaged file can make a
     * decoder do it); a decoder may answer 0 now and then, so only a long run of them ends the read.
     */
    private static byte[] readFrames(AudioInputStream stream, int frameBytes, String name) throws IOException {
        byte[] block = new byte[Math.max(1, BLOCK_BYTES / frameBytes) * frameBytes];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int idle = 0;
        for (int n; (n = stream.read(block, 0, block.length)) >= 0; ) {
            idle = n == 0 ? idle + 1 : 0;
            if (idle > MAX_EMPTY_READS) {
                throw new AudioFormatException(name + ": the decoder stopped producing audio; the file is damaged");
            }
            out.write(block, 0, n);
        }
        return out.toByteArray();
    }

    private static long word(byte[] b, int off, int n, boolean bigEndian) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            int at = bigEndian ? off + i : off + n - 1 - i;
            v = v << 8 | (b[at] & 0xFF);
        }
        return v;
    }
}

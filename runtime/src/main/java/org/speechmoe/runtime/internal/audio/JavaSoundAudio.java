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
    private static final int MAX_EMPTY_READS = 10_000;

    private JavaSoundAudio() {
    }

    public static Samples read(AudioInputStream stream) throws IOException {
        return read(stream, "audio stream");
    }

    /** As {@link #open(AudioInputStream, String)}, refusing a stream without samples at its end. */
    public static AudioStream open(AudioInputStream stream) throws AudioFormatException {
        return AudioStream.nonEmpty(open(stream, "audio stream"), "audio stream");
    }

    /** As {@link #read(AudioInputStream)}; {@code name} starts every error message. */
    static Samples read(AudioInputStream stream, String name) throws IOException {
        return AudioStream.readAll(AudioStream.nonEmpty(open(stream, name), name), name);
    }

    /**
     * {@code stream}'s samples as they are decoded.
     *
     * @throws AudioFormatException when its format is not one of those read
     */
    public static AudioStream open(AudioInputStream stream, String name) throws AudioFormatException {
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
        return new Decoded(stream, name);
    }

    /** PCM or float frames converted to mono block by block. */
    private static final class Decoded implements AudioStream {
        private final AudioInputStream stream;
        private final String name;
        private final AudioFormat format;
        private final int bytes;
        private final boolean isFloat;
        private final boolean unsigned;
        private final double scale;
        private final byte[] block;
        /** Bytes of a frame a read left over: an {@code AudioInputStream} may end a read inside a frame. */
        private int carried;
        private long count;

        Decoded(AudioInputStream stream, String name) {
            this.stream = stream;
            this.name = name;
            format = stream.getFormat();
            bytes = (format.getSampleSizeInBits() + 7) / 8;
            isFloat = format.getEncoding().equals(AudioFormat.Encoding.PCM_FLOAT);
            unsigned = format.getEncoding().equals(AudioFormat.Encoding.PCM_UNSIGNED);
            scale = Math.scalb(1.0, 8 * bytes - 1);
            block = new byte[Math.max(1, Blocks.BYTES / format.getFrameSize()) * format.getFrameSize()];
        }

        @Override
        public int sampleRate() {
            return Math.round(format.getSampleRate());
        }

        /**
         * Not {@code readAllBytes}, which spins forever on a stream that keeps answering 0 (an
         * {@code AudioInputStream} does for reads shorter than a frame, and a damaged file can make a decoder do it);
         * a decoder may answer 0 now and then, so only a long run of them ends the read.
         */
        @Override
        public int read(float[] buffer) throws IOException {
            int frameBytes = format.getFrameSize();
            int limit = (int) Math.min(block.length, (long) buffer.length * frameBytes);
            int idle = 0;
            while (true) {
                int n = stream.read(block, carried, limit - carried);
                if (n < 0) {
                    return -1;
                }
                idle = n == 0 ? idle + 1 : 0;
                if (idle > MAX_EMPTY_READS) {
                    throw new AudioFormatException(name + ": the decoder stopped producing audio; the file is damaged");
                }
                int available = carried + n;
                int frames = available / frameBytes;
                if (frames > 0) {
                    convert(frames, buffer);
                    carried = available - frames * frameBytes;
                    System.arraycopy(block, frames * frameBytes, block, 0, carried);
                    return frames;
                }
                carried = available;
            }
        }

        private void convert(int frames, float[] out) throws AudioFormatException {
            int channels = format.getChannels();
            for (int t = 0; t < frames; t++) {
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    long raw = word(block, (t * channels + c) * bytes, bytes, format.isBigEndian());
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
                    throw new AudioFormatException(name + ": sample " + (count + t) + " is " + sample
                            + ", not a usable value");
                }
                out[t] = sample;
            }
            count += frames;
        }
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

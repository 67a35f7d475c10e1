package org.speechmoe.runtime.internal.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads WAV files: RIFF/WAVE and RF64/BW64, PCM (8-bit unsigned, up to 32-bit signed), IEEE float (32/64-bit) and
 * WAVE_FORMAT_EXTENSIBLE with a PCM or float sub-format, any channel count.
 *
 * <p>Multi-channel audio is mixed down to mono by averaging the channels. Kaldi and torchaudio's {@code kaldi.fbank}
 * (and so 3m-asr and the reference) take channel 0 instead. Averaging is kinder to users: a recording whose voice sits
 * only in the right channel, or a two-microphone recorder with one dead or noisy capsule, still transcribes, and for
 * ordinary stereo it is what every downmix ({@code ffmpeg -ac 1}) does. Channels in exact antiphase would cancel, which
 * real recordings do not do. Mono files, which is every file the models were trained on, are unaffected.
 *
 * <p>The reader trusts the bytes, not the header: it never allocates from a declared size, reads the data chunk
 * incrementally up to its declared size or the end of the input (whichever comes first, so truncated files and
 * streaming headers with size 0xFFFFFFFF read what is there), and drops a trailing partial sample frame.
 */
public final class WavReader {
    private static final long MAX_FMT_BYTES = 1 << 16;
    private static final long STREAMING_SIZE = 0xFFFFFFFFL;
    /** Offset of the data size in the body of an RF64 ds64 chunk (after the 8-byte RIFF size). */
    private static final int DS64_DATA_SIZE_OFFSET = 8;

    private WavReader() {
    }

    public static Samples read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), Blocks.BYTES)) {
            return read(in, file.toString());
        }
    }

    /** Reads a WAV from {@code in} (not closed); {@code name} (a file name, or "stream") starts every error message. */
    public static Samples read(InputStream in, String name) throws IOException {
        return AudioStream.readAll(AudioStream.nonEmpty(open(in, name), name), name);
    }

    /**
     * Reads a WAV's header from {@code in} (not closed) and returns its samples as a stream that reads the data chunk
     * as it goes; {@code name} starts every error message.
     */
    public static AudioStream open(InputStream in, String name) throws IOException {
        byte[] header = in.readNBytes(12);
        String riff = ascii(header, 0);
        boolean rf64 = riff.equals("RF64") || riff.equals("BW64");
        if (!(riff.equals("RIFF") || rf64) || !ascii(header, 8).equals("WAVE")) {
            throw new AudioFormatException(name + ": not a WAV file (" + NotWav.describe(header) + "); "
                    + ConversionHint.forFile(name));
        }
        long ds64DataSize = -1;
        WavFormat format = null;
        while (true) {
            byte[] chunkHeader = in.readNBytes(8);
            if (chunkHeader.length < 8) {
                throw new AudioFormatException(name + ": " + (format == null ? "no fmt chunk" : "no data chunk")
                        + " (the file ends without one)");
            }
            String id = ascii(chunkHeader, 0);
            long size = WavFormat.u32(chunkHeader, 4);
            switch (id) {
                case "fmt " -> format = WavFormat.parse(fmtBody(in, size, name), name);
                case "ds64" -> {
                    if (rf64 && size >= DS64_DATA_SIZE_OFFSET + 8) {
                        byte[] ds64 = exactly(in, DS64_DATA_SIZE_OFFSET + 8, name);
                        ds64DataSize = WavFormat.u32(ds64, DS64_DATA_SIZE_OFFSET)
                                | WavFormat.u32(ds64, DS64_DATA_SIZE_OFFSET + 4) << 32;
                        size -= ds64.length;
                    }
                    skip(in, size + (size & 1));
                }
                case "data" -> {
                    if (format == null) {
                        throw new AudioFormatException(name + ": no fmt chunk before the data chunk; "
                                + ConversionHint.forFile(name));
                    }
                    boolean sizeInDs64 = rf64 && size == STREAMING_SIZE && ds64DataSize >= 0;
                    return new DataStream(in, sizeInDs64 ? ds64DataSize : size, format, name);
                }
                // Chunks are padded to an even size; the pad byte is not counted in the size.
                default -> skip(in, size + (size & 1));
            }
        }
    }

    private static byte[] fmtBody(InputStream in, long size, String name) throws IOException {
        if (size < WavFormat.MIN_CHUNK_BYTES || size > MAX_FMT_BYTES) {
            throw new AudioFormatException(name + ": malformed WAV header (fmt chunk of " + size
                    + " bytes, expected 16 to 40)");
        }
        byte[] body = exactly(in, (int) size, name);
        skip(in, size & 1);
        return body;
    }

    /** The data chunk's samples, decoded block by block as they are read. */
    private static final class DataStream implements AudioStream {
        private final InputStream in;
        private final WavFormat format;
        private final String name;
        private final byte[] block;
        private long remaining;
        private long count;
        private boolean ended;

        DataStream(InputStream in, long declaredBytes, WavFormat format, String name) {
            this.in = in;
            this.format = format;
            this.name = name;
            this.remaining = declaredBytes;
            int frameBytes = format.blockAlign();
            block = new byte[Math.max(1, Blocks.BYTES / frameBytes) * frameBytes];
        }

        @Override
        public int sampleRate() {
            return format.sampleRate();
        }

        @Override
        public int read(float[] buffer) throws IOException {
            int frameBytes = format.blockAlign();
            while (!ended && remaining > 0) {
                int wanted = (int) Math.min(Math.min(block.length, remaining), (long) buffer.length * frameBytes);
                int got = in.readNBytes(block, 0, wanted);
                remaining -= got;
                // the input ended early: read what is there; a trailing partial frame is dropped
                ended = got < wanted;
                int frames = got / frameBytes;
                if (frames > 0) {
                    decode(frames, buffer);
                    return frames;
                }
            }
            return -1;
        }

        private void decode(int frames, float[] mono) throws AudioFormatException {
            SampleEncoding encoding = format.encoding();
            int channels = format.channels();
            for (int f = 0, off = 0; f < frames; f++) {
                double sum = 0;
                for (int c = 0; c < channels; c++, off += encoding.bytes) {
                    double v = encoding.decode(block, off);
                    if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
                        throw new AudioFormatException(name + ": sample " + (count + f + 1) + " (at "
                                + String.format(Locale.ROOT, "%.3f", (count + f) / (double) format.sampleRate())
                                + " s) is " + v + ", not a usable sample value; the file is damaged");
                    }
                    sum += v;
                }
                mono[f] = (float) (sum / channels);
            }
            count += frames;
        }
    }

    private static byte[] exactly(InputStream in, int n, String name) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new AudioFormatException(name + ": truncated WAV header");
        }
        return b;
    }

    /** Skips up to {@code n} bytes; running into the end of the input is left to the next read to report. */
    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return;
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static String ascii(byte[] b, int off) {
        return b.length < off + 4 ? "" : new String(b, off, 4, StandardCharsets.ISO_8859_1);
    }
}

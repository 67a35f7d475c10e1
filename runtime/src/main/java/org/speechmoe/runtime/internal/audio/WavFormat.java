package org.speechmoe.runtime.internal.audio;

import java.util.Arrays;
import java.util.Map;

/** The {@code fmt } chunk of a WAV file, checked: how samples are stored, how many channels, at what rate. */
record WavFormat(SampleEncoding encoding, int channels, int sampleRate, int blockAlign) {
    static final int MIN_CHUNK_BYTES = 16;

    private static final int TAG_PCM = 0x0001;
    private static final int TAG_IEEE_FLOAT = 0x0003;
    private static final int TAG_ALAW = 0x0006;
    private static final int TAG_MULAW = 0x0007;
    private static final int TAG_EXTENSIBLE = 0xFFFE;
    private static final int EXTENSIBLE_CHUNK_BYTES = 40;
    /** Bytes 2-15 of the KSDATAFORMAT_SUBTYPE_* GUIDs; bytes 0-1 hold the format tag. */
    private static final byte[] SUBTYPE_GUID_TAIL = {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38,
            (byte) 0x9B, 0x71};
    private static final Map<Integer, String> TAG_NAMES = Map.ofEntries(
            Map.entry(0x0002, "Microsoft ADPCM"),
            Map.entry(0x0006, "A-law"),
            Map.entry(0x0007, "μ-law"),
            Map.entry(0x0011, "IMA ADPCM"),
            Map.entry(0x0031, "GSM 6.10"),
            Map.entry(0x0050, "MPEG audio"),
            Map.entry(0x0055, "MP3"),
            Map.entry(0x00FF, "AAC"),
            Map.entry(0x0161, "WMA"),
            Map.entry(0x1610, "AAC"),
            Map.entry(0x2000, "AC-3"),
            Map.entry(0xF1AC, "FLAC"));

    /** Parses a fmt chunk body of at least {@link #MIN_CHUNK_BYTES} bytes. */
    static WavFormat parse(byte[] fmt, String name) throws AudioFormatException {
        int tag = u16(fmt, 0);
        int channels = u16(fmt, 2);
        long sampleRate = u32(fmt, 4);
        int blockAlign = u16(fmt, 12);
        int bits = u16(fmt, 14);
        String described = "format tag 0x%04X".formatted(tag);
        if (tag == TAG_EXTENSIBLE) {
            if (fmt.length < EXTENSIBLE_CHUNK_BYTES) {
                throw new AudioFormatException(name + ": WAVE_FORMAT_EXTENSIBLE fmt chunk has " + fmt.length
                        + " bytes, needs " + EXTENSIBLE_CHUNK_BYTES);
            }
            // The container size (bits) decides the layout; the valid-bits field only says how many are used.
            boolean standardGuid = Arrays.equals(fmt, 26, 40, SUBTYPE_GUID_TAIL, 0, SUBTYPE_GUID_TAIL.length);
            tag = standardGuid ? u16(fmt, 24) : -1;
            described = standardGuid ? "WAVE_FORMAT_EXTENSIBLE sub-format 0x%04X".formatted(tag)
                    : "WAVE_FORMAT_EXTENSIBLE with a non-standard sub-format GUID";
        }
        if ((tag == TAG_ALAW || tag == TAG_MULAW) && described.startsWith("format tag")) {
            // Java Sound's WAV reader decodes these: AudioReader hands the file to it.
            throw new CompandedWav(name + ": unsupported WAV encoding " + TAG_NAMES.get(tag) + " (" + described
                    + "); only PCM and IEEE float are read; " + ConversionHint.forFile(name));
        }
        SampleEncoding encoding = switch (tag) {
            case TAG_PCM -> SampleEncoding.pcm(bits);
            case TAG_IEEE_FLOAT -> SampleEncoding.ieeeFloat(bits);
            default -> throw new AudioFormatException(name + ": unsupported WAV encoding "
                    + (TAG_NAMES.containsKey(tag) ? TAG_NAMES.get(tag) + " (" + described + ")" : described)
                    + "; only PCM and IEEE float are read; " + ConversionHint.forFile(name));
        };
        if (encoding == null) {
            throw new AudioFormatException(name + ": unsupported " + bits + "-bit "
                    + (tag == TAG_PCM ? "PCM (1 to 32 bits are read)" : "float (32 or 64 bits are read)") + "; "
                    + ConversionHint.forFile(name));
        }
        if (channels == 0) {
            throw new AudioFormatException(name + ": the fmt chunk declares 0 channels");
        }
        SampleRates.check(sampleRate, name);
        int expectedAlign = channels * encoding.bytes;
        if (blockAlign != expectedAlign) {
            throw new AudioFormatException(name + ": block align " + blockAlign + " is inconsistent with " + channels
                    + " channel(s) of " + bits + " bits (expected " + expectedAlign + "); the header is damaged");
        }
        return new WavFormat(encoding, channels, (int) sampleRate, blockAlign);
    }

    /** A WAV file in μ-law or A-law, which {@link WavReader} refuses and Java Sound reads. */
    static final class CompandedWav extends AudioFormatException {
        CompandedWav(String message) {
            super(message);
        }
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    static long u32(byte[] b, int off) {
        return (u16(b, off) | (long) u16(b, off + 2) << 16);
    }
}

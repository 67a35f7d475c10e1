package org.speechmoe.runtime.internal.audio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.speechmoe.runtime.internal.audio.TestWav.chunk;
import static org.speechmoe.runtime.internal.audio.TestWav.fmt;
import static org.speechmoe.runtime.internal.audio.TestWav.riff;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Inputs the reader refuses, each with a one-line message that names the file and says what is wrong. */
class WavReaderRefusalTest {
    private static final byte[] FMT16 = fmt(TestWav.PCM, 1, 16000, 16);

    @Test
    void garbage() {
        byte[] junk = new byte[100];
        new java.util.Random(1).nextBytes(junk);
        refused(junk, "x.wav", "x.wav: not a WAV file (no RIFF/WAVE header)",
                "convert it with ffmpeg -i x.wav -ar 16000 -ac 1 x-16k.wav");
    }

    @Test
    void emptyFile() {
        refused(new byte[0], "x.wav", "x.wav: not a WAV file (the file is empty)");
    }

    @Test
    void mp3SaysWhatItIsAndHowToConvertIt() {
        byte[] mp3 = "ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0021rest of an mp3".getBytes(StandardCharsets.ISO_8859_1);
        refused(mp3, "talk/x.mp3", "talk/x.mp3: not a WAV file (no RIFF/WAVE header; it looks like MP3)",
                "ffmpeg -i talk/x.mp3 -ar 16000 -ac 1 talk/x.wav");
        byte[] frameSync = {(byte) 0xFF, (byte) 0xFB, (byte) 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0};
        refused(frameSync, "my talk.mp3", "it looks like MP3", "ffmpeg -i \"my talk.mp3\"");
        refused("fLaC\u0000\u0000\u0000\u0010abcdefgh".getBytes(StandardCharsets.ISO_8859_1), "a.flac", "FLAC");
        refused(riffOfType("AVI "), "a.avi", "a RIFF file of type 'AVI ', not WAVE");
    }

    @Test
    void compressedEncodingsAreNamed() {
        refused(riff(chunk("fmt ", fmt(0x0002, 1, 16000, 4, 256)), chunk("data", new byte[256])), "a.wav",
                "a.wav: unsupported WAV encoding Microsoft ADPCM (format tag 0x0002)", "only PCM and IEEE float");
        refused(riff(chunk("fmt ", fmt(0x0007, 1, 8000, 8)), chunk("data", new byte[8])), "a.wav",
                "unsupported WAV encoding μ-law (format tag 0x0007)");
        refused(riff(chunk("fmt ", fmt(0x1234, 1, 8000, 8)), chunk("data", new byte[8])), "a.wav",
                "unsupported WAV encoding format tag 0x1234");
        refused(riff(chunk("fmt ", TestWav.fmtExtensible(0x0006, 1, 8000, 8, 8)), chunk("data", new byte[8])), "a.wav",
                "A-law (WAVE_FORMAT_EXTENSIBLE sub-format 0x0006)");
        byte[] oddGuid = TestWav.fmtExtensible(TestWav.PCM, 1, 8000, 16, 16);
        oddGuid[39] = 0;
        refused(riff(chunk("fmt ", oddGuid), chunk("data", new byte[8])), "a.wav", "non-standard sub-format GUID");
    }

    @Test
    void unsupportedSampleSizes() {
        refused(riff(chunk("fmt ", fmt(TestWav.IEEE_FLOAT, 1, 16000, 16)), chunk("data", new byte[8])), "a.wav",
                "unsupported 16-bit float");
        refused(riff(chunk("fmt ", fmt(TestWav.PCM, 1, 16000, 48)), chunk("data", new byte[12])), "a.wav",
                "unsupported 48-bit PCM");
    }

    @Test
    void impossibleHeaderValues() {
        refused(riff(chunk("fmt ", fmt(TestWav.PCM, 0, 16000, 16, 0)), chunk("data", new byte[8])), "a.wav",
                "a.wav: the fmt chunk declares 0 channels");
        refused(riff(chunk("fmt ", fmt(TestWav.PCM, 1, 1_000_000, 16)), chunk("data", new byte[8])), "a.wav",
                "unsupported sample rate 1000000 Hz (4000 to 384000 Hz are read)");
        refused(riff(chunk("fmt ", fmt(TestWav.PCM, 1, 0, 16)), chunk("data", new byte[8])), "a.wav",
                "unsupported sample rate 0 Hz");
        refused(riff(chunk("fmt ", fmt(TestWav.PCM, 1, 0xFFFFFFFFL, 16, 2)), chunk("data", new byte[8])), "a.wav",
                "unsupported sample rate 4294967295 Hz");
        refused(riff(chunk("fmt ", fmt(TestWav.PCM, 2, 16000, 16, 2)), chunk("data", new byte[8])), "a.wav",
                "block align 2 is inconsistent with 2 channel(s) of 16 bits (expected 4)");
    }

    @Test
    void aFmtChunkClaimingFourGigabytesIsNotAllocated() {
        refused(riff(chunk("fmt ", 0xFFFFFFFFL, FMT16), chunk("data", new byte[8])), "a.wav",
                "malformed WAV header (fmt chunk of 4294967295 bytes");
        refused(riff(chunk("fmt ", 4, new byte[4])), "a.wav", "fmt chunk of 4 bytes");
    }

    @Test
    void missingChunks() {
        refused(riff(chunk("LIST", new byte[4])), "a.wav", "a.wav: no fmt chunk");
        refused(riff(chunk("fmt ", FMT16)), "a.wav", "a.wav: no data chunk");
        refused(riff(chunk("data", new byte[8]), chunk("fmt ", FMT16)), "a.wav", "no fmt chunk before the data chunk");
        // An unknown chunk claiming 4 GB runs off the end: skipped, not read.
        refused(riff(chunk("fmt ", FMT16), chunk("JUNK", 0xFFFFFFF0L, new byte[16])), "a.wav", "no data chunk");
        byte[] cut = riff(chunk("fmt ", FMT16), chunk("data", new byte[8]));
        refused(Arrays.copyOf(cut, 12 + 8 + 6), "a.wav", "truncated WAV header");
    }

    @Test
    void noSamples() {
        refused(riff(chunk("fmt ", FMT16), chunk("data", new byte[0])), "a.wav", "a.wav: contains no samples");
        refused(riff(chunk("fmt ", fmt(TestWav.PCM, 2, 16000, 16)), chunk("data", 4, new byte[3])), "a.wav",
                "contains no samples");
    }

    @Test
    void nonFiniteSamples() {
        refused(riff(chunk("fmt ", fmt(TestWav.IEEE_FLOAT, 1, 16000, 32)),
                chunk("data", TestWav.float32(0f, 0.5f, Float.NaN))), "a.wav",
                "a.wav: sample 3 (at 0.000 s) is NaN, not a usable sample value; the file is damaged");
        refused(riff(chunk("fmt ", fmt(TestWav.IEEE_FLOAT, 1, 16000, 64)),
                chunk("data", TestWav.float64(Double.NEGATIVE_INFINITY))), "a.wav", "is -Infinity");
        refused(riff(chunk("fmt ", fmt(TestWav.IEEE_FLOAT, 1, 16000, 64)), chunk("data", TestWav.float64(1e300))),
                "a.wav", "is 1.0E300, not a usable sample value");
    }

    private static byte[] riffOfType(String type) {
        byte[] b = riff(chunk("fmt ", FMT16));
        System.arraycopy(type.getBytes(StandardCharsets.ISO_8859_1), 0, b, 8, 4);
        return b;
    }

    private static void refused(byte[] wav, String name, String... messageParts) {
        AudioFormatException e = assertThrows(AudioFormatException.class,
                () -> WavReader.read(new ByteArrayInputStream(wav), name));
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}

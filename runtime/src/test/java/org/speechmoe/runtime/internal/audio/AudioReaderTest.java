package org.speechmoe.runtime.internal.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.speechmoe.runtime.internal.audio.TestWav.chunk;
import static org.speechmoe.runtime.internal.audio.TestWav.fmt;
import static org.speechmoe.runtime.internal.audio.TestWav.riff;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every container {@link AudioReader} reads, from the fixtures of testdata/make-audio-formats.sh: lossless ones
 * sample for sample against the WAV they came from, companded ones against sox's decode, lossy ones by duration and
 * level; and what it refuses.
 */
class AudioReaderTest {
    static final Path FORMATS = Path.of("..", "testdata", "audio-formats");
    private static final Path VOWELS = Path.of("..", "testdata", "wav", "vowels.wav");

    @TempDir
    Path tmp;

    static Path fixture(String name) {
        return FORMATS.resolve(name);
    }

    @Test
    void losslessContainersEqualTheWav() throws IOException {
        Samples wav = WavReader.read(VOWELS);
        for (String f : new String[] {"vowels.flac", "vowels.aiff", "vowels.au"}) {
            Samples s = AudioReader.read(fixture(f));
            assertEquals(16000, s.sampleRate(), f);
            assertArrayEquals(wav.samples(), s.samples(), f);
        }
    }

    @Test
    void theWavPathIsWavReaders() throws IOException {
        assertArrayEquals(WavReader.read(VOWELS).samples(), AudioReader.read(VOWELS).samples());
    }

    @Test
    void compandedFilesDecodeAsG711() throws IOException {
        byte[] ulawWav = Files.readAllBytes(fixture("vowels-ulaw.wav"));
        float[] ulaw = g711(ulawWav, dataOffset(ulawWav), false);
        assertEquals(19200, ulaw.length);
        assertArrayEquals(ulaw, AudioReader.read(fixture("vowels-ulaw.wav")).samples());
        byte[] ulawAu = Files.readAllBytes(fixture("vowels-ulaw.au"));
        assertArrayEquals(ulaw, g711(ulawAu, ulawAu[7], false));
        assertArrayEquals(ulaw, AudioReader.read(fixture("vowels-ulaw.au")).samples());
        byte[] alawWav = Files.readAllBytes(fixture("vowels-alaw.wav"));
        assertArrayEquals(g711(alawWav, dataOffset(alawWav), true), AudioReader.read(fixture("vowels-alaw.wav")).samples());
        // and they are the WAV they were made from, to within G.711's steps
        float[] wav = WavReader.read(VOWELS).samples();
        for (int i = 0; i < wav.length; i++) {
            assertEquals(wav[i], ulaw[i], Math.abs(wav[i]) / 16 + 5e-4, "sample " + i);
        }
    }

    /** Decodes 8-bit G.711 codes from {@code off} on as the ITU reference (Sun's g711.c) does, scaled by 1/32768. */
    static float[] g711(byte[] b, int off, boolean aLaw) {
        float[] out = new float[b.length - off];
        for (int i = 0; i < out.length; i++) {
            int v = b[off + i] & 0xFF;
            int t;
            if (aLaw) {
                v ^= 0x55;
                t = (v & 0x0F) << 4;
                int seg = (v & 0x70) >> 4;
                t = seg == 0 ? t + 8 : (t + 0x108) << (seg - 1);
                t = (v & 0x80) != 0 ? t : -t;
            } else {
                v = ~v;
                t = (((v & 0x0F) << 3) + 0x84) << ((v & 0x70) >> 4);
                t = (v & 0x80) != 0 ? 0x84 - t : t - 0x84;
            }
            out[i] = t / 32768f;
        }
        return out;
    }

    private static int dataOffset(byte[] wav) {
        for (int pos = 12; ; ) {
            int size = (wav[pos + 4] & 0xFF) | (wav[pos + 5] & 0xFF) << 8 | (wav[pos + 6] & 0xFF) << 16;
            if (new String(wav, pos, 4, StandardCharsets.ISO_8859_1).equals("data")) {
                return pos + 8;
            }
            pos += 8 + size + (size & 1);
        }
    }

    @Test
    void lossyContainersHaveTheDurationAndLevel() throws IOException {
        Samples wav = WavReader.read(VOWELS);
        for (String f : new String[] {"vowels.mp3", "vowels.ogg"}) {
            Samples s = AudioReader.read(fixture(f));
            assertEquals(16000, s.sampleRate(), f);
            // MP3 adds the encoder's delay and pads the last frame
            assertEquals(wav.seconds(), s.seconds(), 0.12, f);
            assertEquals(rms(wav.samples()), rms(s.samples()), 0.25 * rms(wav.samples()), f);
        }
    }

    @Test
    void theContainerComesFromTheBytesNotTheName() throws IOException {
        Path flacNamedWav = Files.copy(fixture("vowels.flac"), tmp.resolve("really-flac.wav"));
        Path wavNamedMp3 = Files.copy(VOWELS, tmp.resolve("really-wav.mp3"));
        assertArrayEquals(WavReader.read(VOWELS).samples(), AudioReader.read(flacNamedWav).samples());
        assertArrayEquals(WavReader.read(VOWELS).samples(), AudioReader.read(wavNamedMp3).samples());
    }

    @Test
    void aStreamWithoutMarkIsReadOnce() throws IOException {
        for (String f : new String[] {"vowels.flac", "vowels-ulaw.wav", "vowels.mp3"}) {
            InputStream once = new OneWay(Files.readAllBytes(fixture(f)));
            Samples s = AudioReader.read(once, "-");
            assertTrue(s.seconds() > 1.1, f);
        }
        assertArrayEquals(WavReader.read(VOWELS).samples(),
                AudioReader.read(new OneWay(Files.readAllBytes(VOWELS)), "-").samples());
    }

    @Test
    void opusIsRefusedInOneLine() {
        String m = refused(fixture("vowels.opus"));
        assertTrue(m.startsWith(fixture("vowels.opus") + ": Ogg Opus is not supported"), m);
    }

    @Test
    void unsupportedContainersSayWhatTheyLookLike() throws IOException {
        byte[] mp4 = "\u0000\u0000\u0000\u0020ftypM4A rest".getBytes(StandardCharsets.ISO_8859_1);
        String m = refused(Files.write(tmp.resolve("a.m4a"), mp4));
        assertTrue(m.contains(": not a supported audio file (it looks like MP4/M4A; WAV, FLAC, MP3"), m);
        assertTrue(m.endsWith("convert it with ffmpeg -i " + tmp.resolve("a.m4a") + " -ar 16000 -ac 1 "
                + tmp.resolve("a.wav")), m);
        assertTrue(refused(Files.write(tmp.resolve("e.wav"), new byte[0])).contains("(the input is empty"));
        String stdin = assertThrows(AudioFormatException.class,
                () -> AudioReader.read(new ByteArrayInputStream(new byte[] {1, 2, 3}), "-")).getMessage();
        assertTrue(stdin.startsWith("-: not a supported audio file (no known audio header"), stdin);
        assertTrue(stdin.endsWith("ffmpeg -i INPUT -ar 16000 -ac 1 -f wav -"), stdin);
    }

    @Test
    void ratesOutsideTheRangeAreRefusedByName() throws IOException {
        // 140,000 samples at 1 Hz used to be resampled into 39 hours of audio
        byte[] oneHertz = riff(chunk("fmt ", fmt(TestWav.PCM, 1, 1, 16)), chunk("data", new byte[280_000]));
        String m = refused(Files.write(tmp.resolve("slow.wav"), oneHertz));
        assertEquals(tmp.resolve("slow.wav") + ": unsupported sample rate 1 Hz (4000 to 384000 Hz are read)", m);
        byte[] fast = riff(chunk("fmt ", fmt(TestWav.PCM, 1, 768_000, 16)), chunk("data", new byte[8]));
        assertTrue(refused(Files.write(tmp.resolve("f.wav"), fast)).contains("unsupported sample rate 768000 Hz"));
        byte[] edge = riff(chunk("fmt ", fmt(TestWav.PCM, 1, 4000, 16)), chunk("data", new byte[8]));
        assertEquals(4000, AudioReader.read(Files.write(tmp.resolve("e.wav"), edge)).sampleRate());
        // the AU header's rate goes through the same check
        byte[] au = Files.readAllBytes(fixture("vowels.au"));
        au[16] = 0;
        au[17] = 0;
        au[18] = 0;
        au[19] = 2;
        assertTrue(refused(Files.write(tmp.resolve("slow.au"), au)).endsWith("unsupported sample rate 2 Hz (4000 to "
                + "384000 Hz are read)"));
    }

    private static String refused(Path file) {
        return assertThrows(AudioFormatException.class, () -> AudioReader.read(file)).getMessage();
    }

    private static double rms(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * v;
        }
        return Math.sqrt(s / x.length);
    }

    /** A pipe: no mark, no reset, and short reads. */
    private static final class OneWay extends FilterInputStream {
        OneWay(byte[] bytes) {
            super(new ByteArrayInputStream(bytes));
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1000));
        }
    }
}

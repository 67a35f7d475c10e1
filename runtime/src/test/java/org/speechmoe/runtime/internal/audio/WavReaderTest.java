package org.speechmoe.runtime.internal.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.speechmoe.runtime.internal.audio.TestWav.chunk;
import static org.speechmoe.runtime.internal.audio.TestWav.fmt;
import static org.speechmoe.runtime.internal.audio.TestWav.riff;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every encoding and layout the reader accepts, decoded back to the values written. */
class WavReaderTest {
    @Test
    void pcm8IsUnsignedAroundMidScale() throws IOException {
        Samples s = TestWav.read(riff(chunk("fmt ", fmt(TestWav.PCM, 1, 8000, 8)), chunk("data",
                TestWav.pcm8(0, 64, 128, 192, 255))));
        assertEquals(8000, s.sampleRate());
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 127 / 128f}, s.samples());
    }

    @Test
    void pcm16() throws IOException {
        int[] v = {-32768, -12345, -1, 0, 1, 16384, 32767};
        Samples s = TestWav.read(riff(chunk("fmt ", fmt(TestWav.PCM, 1, 16000, 16)), chunk("data", TestWav.pcm16(v))));
        assertArrayEquals(scaled(v, 32768.0), s.samples());
        assertEquals(16000, s.sampleRate());
    }

    @Test
    void pcm24() throws IOException {
        int[] v = {-8388608, -4194304, -77, 0, 1, 123456, 8388607};
        Samples s = TestWav.read(riff(chunk("fmt ", fmt(TestWav.PCM, 1, 48000, 24)), chunk("data", TestWav.pcm24(v))));
        assertArrayEquals(scaled(v, 8388608.0), s.samples());
    }

    @Test
    void pcm32() throws IOException {
        int[] v = {Integer.MIN_VALUE, -1 << 30, -5, 0, 7, 1 << 29, Integer.MAX_VALUE};
        Samples s = TestWav.read(riff(chunk("fmt ", fmt(TestWav.PCM, 1, 44100, 32)), chunk("data", TestWav.pcm32(v))));
        assertArrayEquals(scaled(v, 2147483648.0), s.samples());
    }

    @Test
    void float32KeepsValuesEvenBeyondFullScale() throws IOException {
        float[] v = {-1f, -0.25f, 0f, 1e-9f, 0.75f, 1f, 1.5f};
        Samples s = TestWav.read(riff(chunk("fmt ", fmt(TestWav.IEEE_FLOAT, 1, 22050, 32)),
                chunk("data", TestWav.float32(v))));
        assertArrayEquals(v, s.samples());
    }

    @Test
    void float64() throws IOException {
        double[] v = {-1, -0.123456789012, 0, 0.5, 0.999999999};
        Samples s = TestWav.read(riff(chunk("fmt ", fmt(TestWav.IEEE_FLOAT, 1, 96000, 64)),
                chunk("data", TestWav.float64(v))));
        float[] expected = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            expected[i] = (float) v[i];
        }
        assertArrayEquals(expected, s.samples());
    }

    @Test
    void extensiblePcmAndFloat() throws IOException {
        int[] v = {-8388608, 0, 4096 << 8, 8388607};
        Samples pcm = TestWav.read(riff(chunk("fmt ", TestWav.fmtExtensible(TestWav.PCM, 1, 48000, 24, 20)),
                chunk("data", TestWav.pcm24(v))));
        assertArrayEquals(scaled(v, 8388608.0), pcm.samples());
        float[] f = {0.5f, -0.5f, 0.25f, -0.25f};
        Samples flt = TestWav.read(riff(chunk("fmt ", TestWav.fmtExtensible(TestWav.IEEE_FLOAT, 2, 32000, 32, 32)),
                chunk("data", TestWav.float32(f))));
        assertArrayEquals(new float[] {0f, 0f}, flt.samples());
        assertEquals(32000, flt.sampleRate());
    }

    @Test
    void channelsAreAveragedToMono() throws IOException {
        // Stereo frames (L, R): the voice only in the right channel still comes through, at half amplitude.
        Samples stereo = TestWav.read(riff(chunk("fmt ", fmt(TestWav.PCM, 2, 16000, 16)),
                chunk("data", TestWav.pcm16(1000, 3000, -32768, -32768, 0, 16384, 32767, -32768))));
        assertArrayEquals(new float[] {2000 / 32768f, -1f, 8192 / 32768f, -0.5f / 32768f}, stereo.samples());
        Samples three = TestWav.read(riff(chunk("fmt ", fmt(TestWav.IEEE_FLOAT, 3, 16000, 32)),
                chunk("data", TestWav.float32(0.3f, 0.6f, 0.9f, -1f, 0f, 1f))));
        assertArrayEquals(new float[] {(float) ((0.3f + 0.6f + (double) 0.9f) / 3), 0f}, three.samples(), 1e-7f);
    }

    @Test
    void unknownChunksAreSkippedIncludingOddSizedOnes() throws IOException {
        Samples s = TestWav.read(riff(chunk("JUNK", new byte[] {1, 2, 3, 4, 5, 6}),
                chunk("fmt ", fmt(TestWav.PCM, 1, 16000, 16)),
                chunk("LIST", "odd".getBytes()),
                chunk("fact", new byte[] {9, 0, 0, 0}),
                chunk("data", TestWav.pcm16(100, -100, 200)),
                chunk("id3 ", new byte[] {7})));
        assertArrayEquals(scaled(new int[] {100, -100, 200}, 32768.0), s.samples());
    }

    @Test
    void dataLargerThanTheFileReadsWhatIsThereAndDropsAPartialFrame() throws IOException {
        byte[] data = TestWav.pcm16(10, 20, 30, 40, 50);
        byte[] truncated = Arrays.copyOf(data, data.length - 1); // the last frame lost its second byte
        Samples s = TestWav.read(riff(chunk("fmt ", fmt(TestWav.PCM, 1, 16000, 16)),
                chunk("data", 1_000_000, truncated)));
        assertArrayEquals(scaled(new int[] {10, 20, 30, 40}, 32768.0), s.samples());
    }

    @Test
    void streamingSizeReadsToTheEnd() throws IOException {
        int[] v = new int[70_001]; // spans several read blocks
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7919) % 65536 - 32768;
        }
        Samples s = TestWav.read(riff(chunk("fmt ", fmt(TestWav.PCM, 1, 16000, 16)),
                chunk("data", 0xFFFFFFFFL, TestWav.pcm16(v))));
        assertArrayEquals(scaled(v, 32768.0), s.samples());
    }

    @Test
    void declaredDataSizeEndsTheSamples() throws IOException {
        byte[] wav = riff(chunk("fmt ", fmt(TestWav.PCM, 1, 16000, 16)), chunk("data", TestWav.pcm16(1, 2)),
                chunk("LIST", new byte[] {1, 2, 3, 4}));
        assertArrayEquals(scaled(new int[] {1, 2}, 32768.0), TestWav.read(wav).samples());
    }

    @Test
    void rf64TakesTheDataSizeFromDs64() throws IOException {
        byte[] data = TestWav.pcm16(5, 6, 7);
        byte[] ds64 = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(data.length)
                .putLong(data.length / 2).putInt(0).array();
        byte[] wav = TestWav.container("RF64", chunk("ds64", ds64), chunk("fmt ", fmt(TestWav.PCM, 1, 16000, 16)),
                chunk("data", 0xFFFFFFFFL, data), chunk("LIST", new byte[] {1, 2, 3, 4}));
        assertArrayEquals(scaled(new int[] {5, 6, 7}, 32768.0), TestWav.read(wav).samples());
    }

    @Test
    void aStreamThatDeliversOneByteAtATime() throws IOException {
        byte[] wav = riff(chunk("fmt ", fmt(TestWav.PCM, 2, 16000, 24)), chunk("data", TestWav.pcm24(8, 16, -8, -16)));
        InputStream trickle = new InputStream() {
            private int position;

            @Override
            public int read() {
                return position < wav.length ? wav[position++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (len == 0) {
                    return 0;
                }
                int c = read();
                if (c < 0) {
                    return -1;
                }
                b[off] = (byte) c;
                return 1;
            }
        };
        Samples s = WavReader.read(trickle, "stream");
        assertArrayEquals(new float[] {12 / 8388608f, -12 / 8388608f}, s.samples());
    }

    @Test
    void readsAFileAndKnowsItsDuration(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tone.wav");
        Files.write(file, riff(chunk("fmt ", fmt(TestWav.PCM, 1, 8000, 16)), chunk("data", new byte[2 * 12000])));
        Samples s = WavReader.read(file);
        assertEquals(12000, s.samples().length);
        assertEquals(1.5, s.seconds());
    }

    @Test
    void theFixtureWavs() throws IOException {
        for (String stem : new String[] {"chirp", "mixed", "vowels"}) {
            Path file = Path.of("../testdata/wav", stem + ".wav");
            Samples s = WavReader.read(file);
            assertEquals(16000, s.sampleRate());
            assertEquals((Files.size(file) - 44) / 2, s.samples().length, stem);
        }
    }

    private static float[] scaled(int[] values, double fullScale) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) (values[i] / fullScale);
        }
        return out;
    }
}

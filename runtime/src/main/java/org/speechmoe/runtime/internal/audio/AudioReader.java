package org.speechmoe.runtime.internal.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an audio file or stream of any supported container, told by its first bytes (never by its name): PCM and
 * float WAV through {@link WavReader} (exactly as before: the reference tests depend on it bit for bit); μ-law and
 * A-law WAV, AIFF and Sun AU through the JDK's Java Sound readers; FLAC, MP3 and Ogg Vorbis through the Java Sound
 * providers of the {@code speechmoe-audio-codecs} module, when they are on the class or module path
 * ({@link JavaSoundFiles}). Everything else is refused in one line that says what the input looks like.
 *
 * <p>The input is read once, front to back, and never re-opened, so pipes, FIFOs and standard input work like files.
 * Samples come out as they are decoded ({@link #open}), so a long recording need not be in memory whole, with one
 * exception: a compressed or companded container that is not a regular file (a pipe) is read into memory before it is
 * decoded, because its decoder looks at the start more than once; a regular file is handed to the decoder, which
 * reads it as it goes.
 */
public final class AudioReader {
    /** How far into a WAV its fmt chunk may lie and still be handed to Java Sound when it is μ-law or A-law. */
    private static final int WAV_HEADER_BYTES = 1 << 20;

    private AudioReader() {
    }

    /** All of a file's samples. */
    public static Samples read(Path file) throws IOException {
        try (AudioStream s = open(file)) {
            return AudioStream.readAll(s, file.toString());
        }
    }

    /** Reads {@code raw} (not closed) to its end; {@code name} (a file name, or "stream") starts every error message. */
    public static Samples read(InputStream raw, String name) throws IOException {
        return AudioStream.readAll(open(raw, name), name);
    }

    /** A file's samples as they are decoded; the stream closes the file. */
    public static AudioStream open(Path file) throws IOException {
        String name = file.toString();
        InputStream raw = Files.newInputStream(file);
        try {
            BufferedInputStream in = new BufferedInputStream(raw, Blocks.BYTES);
            Container c = sniff(in, name);
            boolean regular = Files.isRegularFile(file);
            AudioStream s;
            if (c == Container.WAV) {
                s = wav(in, name, regular ? file : null);
            } else if (regular) {
                raw.close();
                return AudioStream.nonEmpty(JavaSoundFiles.open(file, c, name), name);
            } else {
                s = JavaSoundFiles.open(in.readAllBytes(), c, name);
            }
            return closing(AudioStream.nonEmpty(s, name), raw);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** {@code raw}'s samples (not closed) as they are decoded; {@code name} starts every error message. */
    public static AudioStream open(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, Blocks.BYTES);
        Container c = sniff(in, name);
        AudioStream s = c == Container.WAV ? wav(in, name, null)
                : JavaSoundFiles.open(in.readAllBytes(), c, name);
        return AudioStream.nonEmpty(s, name);
    }

    private static Container sniff(BufferedInputStream in, String name) throws IOException {
        in.mark(Container.HEAD_BYTES);
        byte[] head = in.readNBytes(Container.HEAD_BYTES);
        in.reset();
        Container c = Container.sniff(head);
        if (c != Container.WAV && !c.readable) {
            throw refusal(c, head, name);
        }
        return c;
    }

    /** A WAV; μ-law and A-law go to Java Sound, from {@code file} when it is a regular file, else from memory. */
    private static AudioStream wav(BufferedInputStream in, String name, Path file) throws IOException {
        in.mark(WAV_HEADER_BYTES);
        try {
            return WavReader.open(in, name);
        } catch (WavFormat.CompandedWav e) {
            if (file != null) {
                return JavaSoundFiles.open(file, Container.WAV, name);
            }
            try {
                in.reset();
            } catch (IOException markLost) {
                throw e;
            }
            return JavaSoundFiles.open(in.readAllBytes(), Container.WAV, name);
        }
    }

    /** {@code s}, closing {@code resource} with it. */
    private static AudioStream closing(AudioStream s, InputStream resource) {
        return new AudioStream() {
            @Override
            public int sampleRate() {
                return s.sampleRate();
            }

            @Override
            public int read(float[] buffer) throws IOException {
                return s.read(buffer);
            }

            @Override
            public void close() throws IOException {
                try (resource) {
                    s.close();
                }
            }
        };
    }

    private static AudioFormatException refusal(Container c, byte[] head, String name) {
        if (c == Container.OGG_OPUS) {
            return new AudioFormatException(name + ": Ogg Opus is not supported (there is no pure-Java Opus decoder "
                    + "to read it with); " + ConversionHint.forFile(name));
        }
        String guess = NotWav.guess(head);
        String what = head.length == 0 ? "the input is empty"
                : guess == null ? "no known audio header" : "it looks like " + guess;
        return new AudioFormatException(name + ": not a supported audio file (" + what + "; WAV, FLAC, MP3, Ogg Vorbis, "
                + "AIFF and AU are read); " + ConversionHint.forFile(name));
    }
}

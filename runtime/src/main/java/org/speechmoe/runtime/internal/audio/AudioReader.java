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
 * A WAV is read incrementally; the other containers are read into memory before they are decoded (their decoders
 * want to look at the start more than once).
 */
public final class AudioReader {
    private static final int BLOCK_BYTES = 1 << 16;
    /** How far into a WAV its fmt chunk may lie and still be handed to Java Sound when it is μ-law or A-law. */
    private static final int WAV_HEADER_BYTES = 1 << 20;

    private AudioReader() {
    }

    public static Samples read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads {@code raw} (not closed) to its end; {@code name} (a file name, or "stream") starts every error message. */
    public static Samples read(InputStream raw, String name) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, BLOCK_BYTES);
        in.mark(Container.HEAD_BYTES);
        byte[] head = in.readNBytes(Container.HEAD_BYTES);
        in.reset();
        Container c = Container.sniff(head);
        if (c == Container.WAV) {
            return wav(in, name);
        }
        if (!c.readable) {
            throw refusal(c, head, name);
        }
        return JavaSoundFiles.decode(in.readAllBytes(), c, name);
    }

    private static Samples wav(BufferedInputStream in, String name) throws IOException {
        in.mark(WAV_HEADER_BYTES);
        try {
            return WavReader.read(in, name);
        } catch (WavFormat.CompandedWav e) {
            try {
                in.reset();
            } catch (IOException markLost) {
                throw e;
            }
            return JavaSoundFiles.decode(in.readAllBytes(), Container.WAV, name);
        }
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

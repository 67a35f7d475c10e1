package org.speechmoe.runtime.internal.audio;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import javax.sound.sampled.spi.AudioFileReader;

/**
 * Decodes a file through the Java Sound provider that belongs to its container: the JDK's own
 * readers ({@code com.sun.media.sound}) for μ-law/A-law WAV, AIFF and AU, or the provider in
 * {@link Container#decoderPackage} (jFLAC, MP3SPI, VorbisSPI). The container was already told from the bytes, so the
 * provider is picked by it rather than by asking every installed provider in turn: some claim streams that are not
 * theirs. Whatever a decoder throws on damaged input (they are old code and throw anything from
 * {@code ArrayIndexOutOfBoundsException} to {@code NullPointerException}) becomes a one-line
 * {@link AudioFormatException}.
 */
final class JavaSoundFiles {
    private static final String JDK_READERS = "com.sun.media.sound.";
    private static final int MAX_REASON_CHARS = 160;

    private JavaSoundFiles() {
    }

    /** Decodes a whole file held in memory (a pipe's bytes: the decoders look at the start more than once). */
    static AudioStream open(byte[] file, Container c, String name) throws AudioFormatException {
        return open(reader -> reader.getAudioInputStream(new ByteArrayInputStream(file)), c, name);
    }

    /** Decodes a file as it is read: the provider opens the file itself and may read its start more than once. */
    static AudioStream open(Path file, Container c, String name) throws AudioFormatException {
        return open(reader -> reader.getAudioInputStream(file.toFile()), c, name);
    }

    /** How a provider is handed the input. */
    private interface Source {
        AudioInputStream openWith(AudioFileReader reader) throws UnsupportedAudioFileException, IOException;
    }

    private static AudioStream open(Source source, Container c, String name) throws AudioFormatException {
        try {
            AudioInputStream encoded = provide(source, c, name);
            SampleRates.check(encoded.getFormat().getSampleRate(), name);
            AudioStream decoded = JavaSoundAudio.open(toPcm(encoded), name);
            return new AudioStream() {
                @Override
                public int sampleRate() {
                    return decoded.sampleRate();
                }

                @Override
                public void close() throws IOException {
                    encoded.close();
                }

                @Override
                public int read(float[] buffer) throws AudioFormatException {
                    try {
                        return decoded.read(buffer);
                    } catch (AudioFormatException e) {
                        throw e;
                    } catch (IOException | RuntimeException | StackOverflowError e) {
                        throw damaged(c, name, e);
                    }
                }
            };
        } catch (AudioFormatException e) {
            throw e;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw damaged(c, name, e);
        }
    }

    private static AudioInputStream provide(Source source, Container c, String name) throws IOException {
        String wanted = c.decoderPackage == null ? JDK_READERS : c.decoderPackage;
        boolean installed = false;
        Exception refused = null;
        for (AudioFileReader reader : ServiceLoader.load(AudioFileReader.class)) {
            if (!reader.getClass().getName().startsWith(wanted)) {
                continue;
            }
            installed = true;
            try {
                return source.openWith(reader);
            } catch (UnsupportedAudioFileException e) {
                refused = e;
            }
        }
        if (!installed) {
            throw new AudioFormatException(name + ": " + c.label + " needs a decoder that is not installed (the "
                    + "speechmoe-audio-codecs module provides it); " + ConversionHint.forFile(name));
        }
        throw damaged(c, name, refused);
    }

    /**
     * The stream as PCM (or float), converted by whichever installed provider decodes its encoding: to signed
     * little-endian PCM of the source's sample size where that is 16, 24 or 32 bits (FLAC), else 16 bits (μ-law,
     * A-law, and MP3 and Vorbis, which have no sample size).
     */
    private static AudioInputStream toPcm(AudioInputStream s) {
        AudioFormat f = s.getFormat();
        AudioFormat.Encoding e = f.getEncoding();
        if (e.equals(AudioFormat.Encoding.PCM_SIGNED) || e.equals(AudioFormat.Encoding.PCM_UNSIGNED)
                || e.equals(AudioFormat.Encoding.PCM_FLOAT)) {
            return s;
        }
        int source = f.getSampleSizeInBits();
        int bits = source == 16 || source == 24 || source == 32 ? source : 16;
        int channels = f.getChannels();
        AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, f.getSampleRate(), bits, channels,
                channels * bits / 8, f.getSampleRate(), false);
        return AudioSystem.getAudioInputStream(pcm, s);
    }

    private static AudioFormatException damaged(Container c, String name, Throwable cause) {
        String reason = cause == null ? null : cause.getMessage();
        reason = reason == null || reason.isBlank() ? (cause == null ? "its decoder refused it"
                : "the decoder failed with " + cause.getClass().getSimpleName())
                : reason.strip().replaceAll("\\s+", " ");
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "...";
        }
        AudioFormatException e = new AudioFormatException(name + ": cannot decode this " + c.label + " file, it is "
                + "damaged or of an unsupported kind (" + reason + ")");
        e.initCause(cause);
        return e;
    }
}

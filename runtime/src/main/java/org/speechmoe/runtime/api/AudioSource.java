package org.speechmoe.runtime.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.speechmoe.runtime.internal.audio.AudioReader;
import org.speechmoe.runtime.internal.audio.AudioStream;
import org.speechmoe.runtime.internal.audio.JavaSoundAudio;
import org.speechmoe.runtime.internal.audio.SampleRates;

/**
 * Mono samples read block by block from an audio file, a pipe or a capture line, as they arrive: what a
 * {@link StreamingRecognizer} is fed from. The containers and rates of {@link Recognizer#transcribe(Path)}; WAV and raw
 * PCM are decoded as their bytes come (FLAC, MP3 and Ogg Vorbis are read whole first, as their decoders need).
 * Not thread-safe; closing it closes what it reads from, and closing again does nothing.
 */
public final class AudioSource implements AutoCloseable {
    private final AudioStream stream;

    private AudioSource(AudioStream stream) {
        this.stream = stream;
    }

    /**
     * An audio file.
     *
     * @param file the file
     * @return its samples, read as they are asked for
     * @throws IOException when it cannot be opened or its header is not that of usable audio (one line starting
     *                     with the path)
     */
    public static AudioSource open(Path file) throws IOException {
        return new AudioSource(AudioReader.open(file));
    }

    /**
     * An audio file's bytes from a stream (standard input, a socket), read as they arrive.
     *
     * @param audioFile the bytes of an audio file
     * @param name      what to call it in messages
     * @return its samples, read as they are asked for
     * @throws IOException when its header is not that of usable audio (one line starting with {@code name})
     */
    public static AudioSource open(InputStream audioFile, String name) throws IOException {
        return new AudioSource(AudioReader.open(audioFile, name));
    }

    /**
     * Headerless audio: signed 16-bit little-endian mono PCM ({@code sox ... -t raw -e signed -b 16 -c 1},
     * {@code ffmpeg ... -f s16le -ac 1}).
     *
     * @param pcm        the bytes
     * @param sampleRate samples per second, 4 kHz to 384 kHz
     * @param name       what to call it in messages
     * @return its samples, read as they arrive
     * @throws IllegalArgumentException when the rate is outside 4 kHz to 384 kHz
     */
    public static AudioSource rawPcm16(InputStream pcm, int sampleRate, String name) throws IOException {
        SampleRates.require(sampleRate);
        AudioFormat format = new AudioFormat(sampleRate, 16, 1, true, false);
        return of(new AudioInputStream(pcm, format, AudioSystem.NOT_SPECIFIED), name);
    }

    /**
     * Audio from Java Sound: a capture line's stream ({@code new AudioInputStream(targetDataLine)}) or a decoded
     * file; signed or unsigned PCM of 8 to 32 bits, or float, any channels, 4 kHz to 384 kHz.
     *
     * @param stream the audio
     * @param name   what to call it in messages
     * @return its samples, read as they arrive
     * @throws IOException when its format is unusable
     */
    public static AudioSource of(AudioInputStream stream, String name) throws IOException {
        return new AudioSource(JavaSoundAudio.open(Objects.requireNonNull(stream, "stream"), name));
    }

    /**
     * @return samples per second
     */
    public int sampleRate() {
        return stream.sampleRate();
    }

    /**
     * Reads the next samples, in [-1, 1], blocking until at least one is there.
     *
     * @param buffer where to put them; as many as it holds at the most
     * @return how many were read, or -1 at the end of the audio
     * @throws IOException when reading fails or the audio turns out damaged (one line starting with the name)
     */
    public int read(float[] buffer) throws IOException {
        return stream.read(buffer);
    }

    /** Closes what the samples are read from; closing again does nothing. */
    @Override
    public void close() throws IOException {
        stream.close();
    }
}

package org.speechmoe.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Reads a user's recording into {@link KitAudio} through Java Sound: WAV and AIFF always, FLAC, MP3 and Ogg Vorbis
 * when their Java Sound providers (speechmoe-audio-codecs) are on the class path. Channels are averaged; the rate is
 * kept, since the recognizer resamples.
 */
public final class AudioFiles {
    private AudioFiles() {
    }

    /**
     * The whole recording.
     *
     * @param file the audio file
     * @return its samples, described by the file name
     * @throws IOException when it cannot be read or decoded
     */
    public static KitAudio read(Path file) throws IOException {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(file.toFile())) {
            AudioFormat source = in.getFormat();
            float rate = source.getSampleRate();
            int channels = source.getChannels();
            AudioFormat pcm = new AudioFormat(AudioFormat.Encoding.PCM_SIGNED, rate, 16, channels, 2 * channels,
                    rate, false);
            try (AudioInputStream decoded = AudioSystem.getAudioInputStream(pcm, in)) {
                byte[] bytes = decoded.readAllBytes();
                ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                int frames = bytes.length / (2 * channels);
                float[] mono = new float[frames];
                for (int i = 0; i < frames; i++) {
                    float sum = 0;
                    for (int c = 0; c < channels; c++) {
                        sum += b.getShort() / 32768f;
                    }
                    mono[i] = sum / channels;
                }
                return new KitAudio(file.getFileName().toString(), mono, Math.round(rate));
            }
        } catch (UnsupportedAudioFileException | IllegalArgumentException e) {
            throw new IOException(file + ": not an audio format Java Sound can decode here (" + e.getMessage() + ")",
                    e);
        }
    }
}

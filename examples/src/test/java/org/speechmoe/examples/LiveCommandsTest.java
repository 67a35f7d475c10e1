package org.speechmoe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live voice-command example hears each command of a recording as it goes, and other speech as none. */
class LiveCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void eachCommandIsHeardInOrderWithItsTimeAndOtherSpeechIsNone() throws Exception {
        Path commands = EmbeddingExamplesTest.FIXTURES.resolve("commands");
        List<String> phrases = Files.readAllLines(commands.resolve("grammar.txt"));
        List<Path> spoken = new ArrayList<>();
        phrases.forEach(p -> spoken.add(commands.resolve(p.replace(' ', '-') + ".wav")));
        spoken.add(Path.of("..", "samples", "synthetic-espeak.wav"));
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        byte[] pause = new byte[2 * 12800];
        for (Path wav : spoken) {
            pcm.write(pause);
            try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
                pcm.write(in.readAllBytes());
            }
        }
        pcm.write(pause);
        Path recording = tmp.resolve("session.wav");
        AudioFormat format = new AudioFormat(16000, 16, 1, true, false);
        byte[] bytes = pcm.toByteArray();
        AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(bytes), format, bytes.length / 2),
                AudioFileFormat.Type.WAVE, recording.toFile());

        EmbeddingExamplesTest.Result r = EmbeddingExamplesTest.java(LiveCommands.class.getName(),
                List.of(commands.resolve("grammar.txt").toString(), recording.toString()));
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(phrases.size() + 1, lines.size(), r.out());
        double end = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+", 3);
            assertTrue(Double.parseDouble(f[0]) >= end - 1e-9, "in order: " + r.out());
            end = Double.parseDouble(f[1]);
            assertEquals(i < phrases.size() ? phrases.get(i) : "(not a command)", f[2], r.out());
        }
    }
}

package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.converter.Converter;
import org.speechmoe.format.DType;

/**
 * {@code transcribe --stream} and {@code listen} with the default model: four spoken commands with pauses between
 * them come out as four utterances, from a file and from raw PCM on standard input alike.
 */
class StreamingCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path COMMANDS = Path.of("..", "testdata", "commands");
    private static final List<String> SAID = List.of("close-door", "turn-left", "play-music", "open-door");

    @TempDir
    Path tmp;
    private Path wav;
    private Path raw;

    /** A second of silence before each command, a quarter second after the last: as WAV and as raw PCM. */
    @BeforeEach
    void commands() throws Exception {
        ByteBuffer pcm = ByteBuffer.allocate(16000 * 2 * 12).order(ByteOrder.LITTLE_ENDIAN);
        for (String name : SAID) {
            pcm.position(pcm.position() + 16000 * 2);
            try (AudioInputStream in = AudioSystem.getAudioInputStream(COMMANDS.resolve(name + ".wav").toFile())) {
                assertEquals(16000f, in.getFormat().getSampleRate());
                pcm.put(in.readAllBytes());
            }
        }
        pcm.position(pcm.position() + 4000 * 2);
        byte[] bytes = new byte[pcm.position()];
        pcm.flip().get(bytes);
        raw = tmp.resolve("commands.raw");
        Files.write(raw, bytes);
        wav = tmp.resolve("commands.wav");
        AudioFormat format = new AudioFormat(16000, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(Files.newInputStream(raw), format, bytes.length / 2)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, wav.toFile());
        }
    }

    private static List<JsonNode> lines(String out) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void eachCommandIsAFinalLineWithPartialsBeforeIt() throws IOException {
        CliTest.Run r = CliTest.run("transcribe", "--stream", "--partial", "--format", "json", wav.toString());
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> finals = new ArrayList<>();
        int partialsBefore = 0;
        double end = 0;
        for (JsonNode o : lines(r.out())) {
            assertEquals(wav.toString(), o.get("file").asText());
            if (o.get("type").asText().equals("final")) {
                assertTrue(partialsBefore > 0, "a partial result came before the final one: " + o);
                partialsBefore = 0;
                assertTrue(o.get("start").asDouble() >= end, "utterances follow each other: " + o);
                end = o.get("end").asDouble();
                finals.add(o);
            } else {
                assertEquals("partial", o.get("type").asText());
                partialsBefore++;
            }
        }
        assertEquals(4, finals.size(), r.out());
        for (int i = 0; i < 4; i++) {
            JsonNode o = finals.get(i);
            assertEquals(i < 3 ? "silence_after_speech" : "end_of_stream", o.get("ending").asText());
            for (JsonNode w : o.get("words")) {
                assertTrue(w.get("start").asDouble() >= o.get("start").asDouble()
                        && w.get("end").asDouble() <= o.get("end").asDouble(), "words in stream time: " + o);
            }
        }
        assertEquals("turn left", finals.get(1).get("text").asText());
        assertEquals("play music", finals.get(2).get("text").asText());

        CliTest.Run text = CliTest.run("transcribe", "--stream", wav.toString());
        List<String> texts = finals.stream().map(o -> o.get("text").asText() + "\n").toList();
        assertEquals(String.join("", texts), text.out());
    }

    @Test
    void rawPcmOnStandardInputGivesWhatTheFileGives() throws Exception {
        CliTest.Run file = CliTest.run("transcribe", "--stream", "--chunk-ms", "20", wav.toString());
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = TranscribeProcessTest.command(List.of(), "transcribe", "--stream", "--rate", "16000", "-")
                .redirectInput(raw.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the CLI did not finish");
        assertEquals(0, p.exitValue(), Files.readString(err));
        assertEquals(file.out(), Files.readString(out));
    }

    @Test
    void streamingOptionsAreCheckedFirst() {
        assertUsage("--partial needs --stream", "transcribe", "--partial", wav.toString());
        assertUsage("give - as the only PATH", "transcribe", "--stream", "--rate", "16000", wav.toString());
        assertUsage("--rate must be from 4000", "transcribe", "--stream", "--rate", "10", "-");
        assertUsage("neither --format srt", "transcribe", "--stream", "--format", "srt", wav.toString());
        assertUsage("--chunk-ms must be from 10", "transcribe", "--stream", "--chunk-ms", "0", wav.toString());
        assertUsage("--max-utterance: the longest utterance", "transcribe", "--stream", "--max-utterance", "31",
                wav.toString());
        assertUsage("--endpoint-silence: endpoint silences", "transcribe", "--stream", "--endpoint-silence", "0",
                wav.toString());
        assertUsage("listen prints text or json", "listen", "--format", "vtt");
    }

    private static void assertUsage(String message, String... args) {
        CliTest.Run r = CliTest.run(args);
        assertEquals(SpeechMoeCli.EXIT_USAGE, r.exit(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aCausalModelStreamsChunkByChunkAndAFullContextOneRefusesAChunkSize() throws IOException {
        Path causal = tmp.resolve("causal.smoe");
        Path dir = LogitsChunkedTest.CAUSAL;
        Converter.convert(new Converter.Request(dir.resolve("train.yaml"), dir.resolve("final.pt"),
                dir.resolve("units.txt"), dir.resolve("global_cmvn"), causal, DType.F32));
        String wav = TestModel.wav("mixed").toString();
        CliTest.Run exact = CliTest.run("transcribe", "--stream", "-m", causal.toString(), "--chunk-size", "4",
                "--left-chunks", "2", "--format", "json", wav);
        assertEquals(0, exact.exit(), exact.err());
        for (JsonNode o : lines(exact.out())) {
            assertEquals("final", o.get("type").asText());
        }
        CliTest.Run refused = CliTest.run("transcribe", "--stream", "--chunk-size", "4", wav);
        assertEquals(SpeechMoeCli.EXIT_FAILED, refused.exit());
        assertTrue(refused.err().contains("full-context (causal: false)"), refused.err());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
    }

    /** Without a microphone (as on a build machine) one line says so; with one, a second of it is recognized. */
    @Test
    void listenSaysWhenThereIsNoMicrophone() {
        CliTest.Run r = CliTest.run("listen", "--seconds", "1");
        if (r.exit() != 0) {
            assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit());
            assertTrue(r.err().contains("audio capture device"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}

package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.runtime.api.SpeechMoeModel;

/** {@code speechmoe transcribe}, driven in-process: every format, batches, failures, usage errors. */
class TranscribeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SRT_CUE = Pattern.compile(
            "(\\d+)\\n(\\d\\d):(\\d\\d):(\\d\\d),(\\d{3}) --> (\\d\\d):(\\d\\d):(\\d\\d),(\\d{3})\\n((?:[^\\n]+\\n){1,2})\\n");
    private static final Pattern VTT_CUE = Pattern.compile(
            "\\n(\\d+)\\n(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) --> (\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3})\\n((?:[^\\n]+\\n){1,2})");

    @TempDir
    Path tmp;

    private static CliTest.Run transcribe(String... args) {
        List<String> all = new ArrayList<>(List.of("transcribe", "-m", TestModel.path().toString()));
        all.addAll(List.of(args));
        return CliTest.run(all.toArray(String[]::new));
    }

    private static String wav(String name) {
        return TestModel.wav(name).toString();
    }

    /** A folder with nested WAVs, a file that is not audio, and (if asked) a corrupt WAV. */
    private Path corpus(boolean corrupt) throws IOException {
        Path d = tmp.resolve("corpus");
        Files.createDirectories(d.resolve("b/deeper"));
        Files.createDirectories(d.resolve("a"));
        Files.copy(TestModel.wav("vowels"), d.resolve("a/x.wav"));
        Files.copy(TestModel.wav("mixed"), d.resolve("b/x.wav"));
        Files.copy(TestModel.wav("chirp"), d.resolve("b/deeper/chirp.WAV"));
        Files.writeString(d.resolve("b/notes.txt"), "not audio");
        if (corrupt) {
            Files.writeString(d.resolve("b/broken.wav"), "this is not a wav file at all");
        }
        return d;
    }

    @Test
    void textForOneFileAndForSeveral() {
        CliTest.Run one = transcribe(wav("vowels"));
        assertEquals(0, one.exit(), one.err());
        assertEquals("", one.err());
        assertEquals(1, one.out().lines().count(), one.out());
        assertFalse(one.out().contains("vowels"), one.out());
        String text = one.out().strip();
        assertFalse(text.isEmpty());

        CliTest.Run three = transcribe(wav("vowels"), wav("chirp"), wav("mixed"), "--threads", "2");
        assertEquals(0, three.exit(), three.err());
        List<String> lines = three.out().lines().toList();
        assertEquals(3, lines.size(), three.out());
        assertEquals(wav("vowels") + ": " + text, lines.get(0));
        assertTrue(lines.get(1).startsWith(wav("chirp") + ":"), lines.get(1));
        assertTrue(lines.get(2).startsWith(wav("mixed") + ":"), lines.get(2));
        // the same on one thread: parallel workers keep the input order and the results
        assertEquals(three.out(), transcribe(wav("vowels"), wav("chirp"), wav("mixed"), "--threads", "1").out());
    }

    @Test
    void jsonLinesHaveEveryField() throws IOException {
        CliTest.Run r = transcribe(wav("vowels"), wav("mixed"), "--format", "json", "--beam", "4");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        for (int i = 0; i < 2; i++) {
            JsonNode o = JSON.readTree(lines.get(i));
            assertEquals(List.of("file", "text", "alternatives", "words", "tokens", "expert_usage", "audio_seconds",
                    "compute_seconds", "realtime_factor"), iterable(o.fieldNames()));
            assertEquals(o.get("text").asText(), o.get("alternatives").get(0).get("text").asText());
            assertEquals(i == 0 ? wav("vowels") : wav("mixed"), o.get("file").asText());
            assertTrue(o.get("words").size() > 0, lines.get(i));
            StringBuilder text = new StringBuilder();
            double last = 0;
            for (JsonNode w : o.get("words")) {
                assertEquals(List.of("word", "start", "end", "confidence"), iterable(w.fieldNames()));
                assertMillis(w.get("start"));
                assertMillis(w.get("end"));
                assertTrue(w.get("start").asDouble() >= last - 0.0011 && w.get("end").asDouble() >= w.get("start")
                        .asDouble(), w.toString());
                last = w.get("end").asDouble();
                double c = w.get("confidence").asDouble();
                assertTrue(c > 0 && c <= 1, w.toString());
                text.append(text.isEmpty() ? "" : " ").append(w.get("word").asText());
            }
            assertEquals(o.get("text").asText(), text.toString());
            for (JsonNode t : o.get("tokens")) {
                assertEquals(List.of("id", "token", "start", "end", "probability"), iterable(t.fieldNames()));
                assertTrue(t.get("id").isInt());
                assertMillis(t.get("start"));
            }
            assertEquals(2, o.get("expert_usage").size());
            for (JsonNode u : o.get("expert_usage")) {
                assertEquals(List.of("block", "frames_per_expert", "mean_gate"), iterable(u.fieldNames()));
                assertEquals(2, u.get("frames_per_expert").size());
            }
            assertEquals(i == 0 ? 1.2 : 1.5, o.get("audio_seconds").asDouble());
            assertMillis(o.get("compute_seconds"));
            assertTrue(o.get("realtime_factor").asDouble() > 0);
        }
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

    private static void assertMillis(JsonNode n) {
        double ms = n.asDouble() * 1000;
        assertEquals(Math.rint(ms), ms, 1e-6, n.toString());
    }

    @Test
    void srtAndVttOnStdoutForOneFile() {
        CliTest.Run srt = transcribe(wav("mixed"), "--format", "srt");
        assertEquals(0, srt.exit(), srt.err());
        assertCues(srt.out(), SRT_CUE, "");
        CliTest.Run vtt = transcribe(wav("mixed"), "--format", "vtt");
        assertEquals(0, vtt.exit(), vtt.err());
        assertTrue(vtt.out().startsWith("WEBVTT\n"), vtt.out());
        assertCues(vtt.out().substring("WEBVTT\n".length()), VTT_CUE, "");
    }

    /** The whole text is cues of the pattern, numbered from 1, with times that never go back. */
    static void assertCues(String text, Pattern cue, String context) {
        Matcher m = cue.matcher(text);
        int n = 0;
        long last = -1;
        int end = 0;
        while (m.find()) {
            assertEquals(end, m.start(), "unexpected text before a cue: " + context + text);
            assertEquals(++n, Integer.parseInt(m.group(1)), text);
            long start = millis(m, 2);
            long stop = millis(m, 6);
            assertTrue(start >= last && stop >= start, text);
            last = stop;
            end = m.end();
        }
        assertTrue(n > 0, text);
        assertEquals(text.length(), end, "unexpected text after the cues: " + context + text);
    }

    private static long millis(Matcher m, int g) {
        return ((Long.parseLong(m.group(g)) * 60 + Long.parseLong(m.group(g + 1))) * 60
                + Long.parseLong(m.group(g + 2))) * 1000 + Long.parseLong(m.group(g + 3));
    }

    @Test
    void aDirectoryToAnOutputDirMirrorsItsFolders() throws IOException {
        Path d = corpus(false);
        Path out = tmp.resolve("out");
        for (String format : List.of("srt", "vtt", "json", "text")) {
            CliTest.Run r = transcribe(d.toString(), "--format", format, "--output-dir", out.toString());
            assertEquals(0, r.exit(), r.err());
            assertEquals("", r.out());
            assertEquals("", r.err());
        }
        try (Stream<Path> s = Files.walk(out)) {
            assertEquals(List.of("a/x.json", "a/x.srt", "a/x.txt", "a/x.vtt", "b/deeper/chirp.json",
                    "b/deeper/chirp.srt", "b/deeper/chirp.txt", "b/deeper/chirp.vtt", "b/x.json", "b/x.srt",
                    "b/x.txt", "b/x.vtt"), s.filter(Files::isRegularFile).map(p -> out.relativize(p).toString())
                    .sorted().toList());
        }
        assertCues(Files.readString(out.resolve("b/x.srt")), SRT_CUE, "b/x.srt: ");
        assertTrue(Files.readString(out.resolve("a/x.vtt")).startsWith("WEBVTT\n\n1\n"));
        JsonNode json = JSON.readTree(out.resolve("b/deeper/chirp.json").toFile());
        assertEquals(d.resolve("b/deeper/chirp.WAV").toString(), json.get("file").asText());
        assertEquals(json.get("text").asText() + "\n", Files.readString(out.resolve("b/deeper/chirp.txt")));
        // the same file named explicitly lands at the top of the output directory
        CliTest.Run explicit = transcribe(d.resolve("b/x.wav").toString(), "--output-dir", out.toString());
        assertEquals(0, explicit.exit(), explicit.err());
        assertEquals(Files.readString(out.resolve("b/x.txt")), Files.readString(out.resolve("x.txt")));
    }

    @Test
    void aCorruptFileFailsAloneAndTheOthersAreWritten() throws IOException {
        Path d = corpus(true);
        Path out = tmp.resolve("out");
        CliTest.Run r = transcribe(d.toString(), "--format", "json", "--output-dir", out.toString(), "--threads",
                "2");
        assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("speechmoe: " + d.resolve("b/broken.wav") + ": not a supported audio file (no "
                + "known audio header"), r.err());
        assertTrue(Files.exists(out.resolve("a/x.json")));
        assertTrue(Files.exists(out.resolve("b/x.json")));
        assertTrue(Files.exists(out.resolve("b/deeper/chirp.json")));
        assertFalse(Files.exists(out.resolve("b/broken.json")));
        try (Stream<Path> s = Files.walk(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }

        CliTest.Run stdout = transcribe(wav("vowels"), d.resolve("b/broken.wav").toString(), wav("mixed"),
                tmp.resolve("missing.wav").toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, stdout.exit());
        assertEquals(2, stdout.out().lines().count(), stdout.out());
        assertEquals(List.of("speechmoe: " + d.resolve("b/broken.wav") + ": not a supported audio file",
                "speechmoe: " + tmp.resolve("missing.wav") + ": no such file"),
                stdout.err().lines().map(l -> l.replaceAll(" \\(.*", "")).toList());
    }

    @Test
    void aDirectoryWithoutAudioIsReported() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliTest.Run alone = transcribe(empty.toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, alone.exit());
        assertEquals("speechmoe: " + empty + ": no audio files (.wav .wave .flac .mp3 .ogg .oga .aif .aiff .au) in "
                + "this directory\n", alone.err());
        CliTest.Run mixed = transcribe(empty.toString(), wav("vowels"));
        assertEquals(SpeechMoeCli.EXIT_FAILED, mixed.exit());
        assertEquals(1, mixed.out().lines().count());
        assertEquals(1, mixed.err().lines().count());
    }

    @Test
    void theModelMustOpen() {
        CliTest.Run missing = CliTest.run("transcribe", "-m", tmp.resolve("nope.smoe").toString(), wav("vowels"));
        assertEquals(SpeechMoeCli.EXIT_FAILED, missing.exit());
        assertEquals("speechmoe: no such file: " + tmp.resolve("nope.smoe") + "\n", missing.err());
        assertEquals("", missing.out());

        assumeFalse(SpeechMoeModel.hasDefault(), "this build embeds a default model");
        CliTest.Run noDefault = CliTest.run("transcribe", wav("vowels"));
        assertEquals(SpeechMoeCli.EXIT_FAILED, noDefault.exit());
        assertEquals(1, noDefault.err().lines().count(), noDefault.err());
        assertTrue(noDefault.err().startsWith("speechmoe: this build embeds no default model"), noDefault.err());
        assertTrue(noDefault.err().contains("-m model.smoe"), noDefault.err());
    }

    @Test
    void aGpuWithoutTheTornadoModuleIsOneLineSayingHowToGetIt() {
        for (String command : List.of("transcribe", "logits", "eval")) {
            List<String> args = new ArrayList<>(List.of(command, "-m", TestModel.path().toString(), "--device", "gpu"));
            args.addAll(switch (command) {
                case "logits" -> List.of("--out", tmp.resolve("l.npy").toString(), wav("vowels"));
                case "eval" -> List.of("--manifest", manifest().toString());
                default -> List.of(wav("vowels"));
            });
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit(), command + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("speechmoe: no 'gpu' device: ") && r.err().contains("-Ptornado")
                    && r.err().contains("TORNADOVM_HOME"), r.err());
            assertEquals("", r.out());
        }
    }

    private Path manifest() {
        try {
            return Files.writeString(tmp.resolve("m.tsv"), TestModel.wav("vowels").toAbsolutePath() + "\tsome text\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void usageErrorsAreOneLineAndExit2() throws IOException {
        Path d = corpus(false);
        String[][] cases = {
                {"--beam", "0", wav("vowels")},
                {"--threads", "0", wav("vowels")},
                {"--format", "xml", wav("vowels")},
                {"--backend", "gpu", wav("vowels")},
                {"--device", "npu", wav("vowels")},
                {"--frobnicate", wav("vowels")},
                {},
                {"--format", "srt", wav("vowels"), wav("mixed")},
                {"--format", "vtt", d.toString()},
                {"--output-dir", tmp.resolve("o").toString(), d.resolve("a/x.wav").toString(),
                        d.resolve("b/x.wav").toString()},
                {"--output-dir", TestModel.path().toString(), wav("vowels")},
        };
        String[] expected = {"beam width must be at least 1", "threads must be at least 1",
                "'xml' is not one of text, json, srt, vtt", "backend must be auto, vector or scalar",
                "device must be cpu or gpu",
                "Unknown option: '--frobnicate'", "Missing required parameter: 'PATH'",
                "--format srt writes one subtitle file per input: add --output-dir DIR for these 2 files",
                "add --output-dir DIR for these 3 files", "would both be written to", "is a file; name a directory"};
        for (int i = 0; i < cases.length; i++) {
            CliTest.Run r = transcribe(cases[i]);
            assertEquals(SpeechMoeCli.EXIT_USAGE, r.exit(), String.join(" ", cases[i]) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains(expected[i]), r.err());
            assertTrue(r.err().startsWith("speechmoe transcribe: ") && r.err().contains("(see speechmoe transcribe"
                    + " --help)"), r.err());
            assertEquals("", r.out());
        }
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    @Test
    void progressCanBeForcedAndIsOffWhenCaptured() {
        CliTest.Run on = transcribe(wav("vowels"), wav("mixed"), "--progress");
        assertEquals(0, on.exit(), on.err());
        assertTrue(on.err().startsWith("\r[0/2 files] "), on.err());
        assertTrue(on.err().matches("(?s).*\\r\\[2/2 files] 3 s audio, [0-9.]+x realtime, took \\d+s\\n"), on.err());
        assertEquals(2, on.out().lines().count());
        CliTest.Run off = transcribe(wav("vowels"), wav("mixed"));
        assertEquals("", off.err());
        CliTest.Run forcedOff = transcribe(wav("vowels"), wav("mixed"), "--no-progress");
        assertEquals("", forcedOff.err());
    }

    @Test
    void help() {
        CliTest.Run h = CliTest.run("transcribe", "--help");
        assertEquals(0, h.exit());
        assertTrue(h.out().startsWith("Usage: speechmoe transcribe"), h.out());
        for (String s : List.of("--format", "--output-dir", "--beam", "--threads", "--backend", "--[no-]progress",
                "JSON Lines", "WEBVTT", "42 characters", "Exit status")) {
            assertTrue(h.out().contains(s), s + " missing from\n" + h.out());
        }
        assertTrue(CliTest.run("--help").out().contains("transcribe"));
        assertTrue(CliTest.run().err().contains("a command is required (transcribe,"));
    }
}

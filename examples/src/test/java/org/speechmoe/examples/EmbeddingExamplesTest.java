package org.speechmoe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.converter.Converter;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.SpeechMoeModel;

/** The example applications run as a user would run them: a JVM of their own, the model and WAVs as arguments. */
class EmbeddingExamplesTest {
    static final Path FIXTURES = Path.of("..", "testdata");

    @TempDir
    Path tmp;

    private Path model() throws IOException {
        Path dir = FIXTURES.resolve("fixtures").resolve("ctc_ln_swish_e2");
        Path out = tmp.resolve("m.smoe");
        Converter.convert(new Converter.Request(dir.resolve("train.yaml"), dir.resolve("final.pt"),
                dir.resolve("units.txt"), dir.resolve("global_cmvn"), out, DType.F32));
        return out;
    }

    record Result(int exit, String out, String err) {
    }

    static Result java(String mainClass, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out, err);
    }

    @Test
    void theParallelAppGivesEveryFileTheSingleThreadedTextInOrder() throws Exception {
        Path model = model();
        List<String> wavs = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        try (SpeechMoeModel m = SpeechMoeModel.open(model); Recognizer r = m.newRecognizer()) {
            for (int i = 0; i < 3; i++) {
                for (String stem : List.of("chirp", "vowels", "mixed")) {
                    Path wav = FIXTURES.resolve("wav").resolve(stem + ".wav");
                    wavs.add(wav.toString());
                    expected.add(wav + "\t" + r.transcribe(wav).text());
                }
            }
        }
        List<String> args = new ArrayList<>(List.of(model.toString()));
        args.addAll(wavs);
        Result run = java(ParallelTranscriber.class.getName(), args);
        assertEquals(0, run.exit, run.err);
        assertEquals(expected, run.out.lines().toList());
    }

    @Test
    void theQuickStartPrintsTheTextAndTheReadmeShowsItsCode() throws Exception {
        Path model = model();
        Path wav = FIXTURES.resolve("wav").resolve("vowels.wav");
        Result run = java(QuickStart.class.getName(), List.of(model.toString(), wav.toString()));
        assertEquals(0, run.exit, run.err);
        try (SpeechMoeModel m = SpeechMoeModel.open(model); Recognizer r = m.newRecognizer()) {
            assertEquals(r.transcribe(wav).text() + "\n", run.out);
        }
        String source = Files.readString(Path.of("src/main/java/org/speechmoe/examples/QuickStart.java"));
        String snippet = source.substring(source.indexOf("// README snippet begins\n") + 25,
                source.indexOf("        // README snippet ends"));
        String readme = Files.readString(Path.of("..", "README.md"));
        String unindented = snippet.lines().map(l -> l.substring(Math.min(8, l.length()))).reduce("",
                (a, b) -> a + b + "\n");
        assertTrue(readme.contains(unindented), "README.md must show QuickStart's snippet:\n" + unindented);
    }
}

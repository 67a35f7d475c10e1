package org.speechmoe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A folder of good, broken and non-audio files: error values for the bad ones, the job goes on. */
class BrokenInputsTest {
    @TempDir
    static Path dir;
    static Path good;
    static Path nested;

    @BeforeAll
    static void mixedFolder() throws Exception {
        Path wav = TestSpark.SAMPLES.resolve("asterisk-all-circuits-busy-now.wav");
        good = Files.copy(wav, dir.resolve("good.wav"));
        Files.createDirectories(dir.resolve("sub"));
        nested = Files.copy(TestSpark.COMMANDS.resolve("stop-now.wav"), dir.resolve("sub").resolve("nested.wav"));
        byte[] bytes = Files.readAllBytes(wav);
        Files.write(dir.resolve("truncated.wav"), Arrays.copyOf(bytes, 30));
        Files.write(dir.resolve("empty.wav"), new byte[0]);
        Files.writeString(dir.resolve(".hidden.wav"), "skipped, as Spark skips hidden files");
        Files.writeString(dir.resolve("notes.txt"), "not audio at all\n");
        byte[] noise = new byte[4000];
        new java.util.Random(7).nextBytes(noise);
        Files.write(dir.resolve("noise.mp3"), noise);
    }

    /** Spark's binaryFile source drops empty files; the batch job, which lists the files itself, keeps them. */
    @Test
    void theTransformerGivesErrorValuesForTheBadFiles() {
        List<Row> rows = new SpeechMoeTranscriber().setLanguageModel("none").setBeamWidth(1)
                .transform(TestSpark.session().read().format("binaryFile").load(dir.toString()))
                .select("path", "transcript.text", "transcript.error").collectAsList();
        Map<String, Row> byName = new TreeMap<>();
        rows.forEach(r -> byName.put(TestSpark.local(r.getString(0)).getFileName().toString(), r));
        assertEquals(List.of("good.wav", "noise.mp3", "notes.txt", "truncated.wav"), List.copyOf(byName.keySet()));
        assertNull(byName.get("good.wav").getString(2));
        assertEquals(TestSpark.direct(good, false).text(), byName.get("good.wav").getString(1));
        for (String bad : List.of("noise.mp3", "notes.txt", "truncated.wav")) {
            Row r = byName.get(bad);
            assertNull(r.getString(1), bad);
            assertNotNull(r.getString(2), bad);
            assertFalse(r.getString(2).contains("\n"), r.getString(2));
        }
    }

    @Test
    void theBatchJobWritesOneJsonLinePerFileErrorsIncluded() throws Exception {
        Path out = dir.resolveSibling(dir.getFileName() + "-out");
        StringWriter err = new StringWriter();
        CommandLine cl = batch(err);
        int exit = cl.execute("--input", dir.toString(), "--output", out.toString(), "--lm", "none", "--beam", "1");
        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("6 files, 4 with errors"), err.toString());
        List<String> lines = new ArrayList<>();
        try (Stream<Path> parts = Files.list(out)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                lines.addAll(Files.readAllLines(part, StandardCharsets.UTF_8));
            }
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> byName = new TreeMap<>();
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            assertEquals(List.of("path", "text", "words", "audio_seconds", "error"), fieldNames(n));
            byName.put(TestSpark.local(n.get("path").asText()).getFileName().toString(), n);
        }
        assertEquals(List.of("empty.wav", "good.wav", "nested.wav", "noise.mp3", "notes.txt", "truncated.wav"),
                List.copyOf(byName.keySet()));
        assertEquals(6, lines.size());
        for (Path wav : List.of(good, nested)) {
            JsonNode n = byName.get(wav.getFileName().toString());
            assertTrue(n.get("error").isNull(), n.toString());
            assertEquals(TestSpark.direct(wav, false).text(), n.get("text").asText());
            assertEquals(TestSpark.direct(wav, false).words().size(), n.get("words").size());
        }
        JsonNode bad = byName.get("notes.txt");
        assertTrue(bad.get("text").isNull());
        assertTrue(bad.get("error").asText().startsWith(bad.get("path").asText()), bad.toString());

        assertFailsInOneLine("already exists", "--input", good.toString(), "--output", out.toString());
    }

    @Test
    void aMissingInputIsOneLineAndExitOne() {
        assertFailsInOneLine("no such file or folder", "--input", dir.resolve("missing").toString(), "--output",
                dir.resolve("never").toString());
    }

    @Test
    void aModelThatCannotBeOpenedFailsTheJobInOneLine() {
        assertFailsInOneLine("cannot open the model", "--input", good.toString(), "--output",
                dir.resolve("no-model").toString(), "--model", dir.resolve("missing.smoe").toString());
    }

    /** The batch job's command line in the tests' session, writing its messages to {@code err}. */
    static CommandLine batch(StringWriter err) {
        TestSpark.session();
        CommandLine cl = BatchTranscribe.commandLine();
        cl.setErr(new PrintWriter(err));
        return cl;
    }

    static void assertFailsInOneLine(String reason, String... args) {
        StringWriter err = new StringWriter();
        assertEquals(1, batch(err).execute(args), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().contains(reason), err.toString());
    }

    @Test
    void wrongUsageIsExitTwo() {
        CommandLine cl = batch(new StringWriter());
        assertEquals(2, cl.execute("--input", "x"));
        assertEquals(2, cl.execute("--input", "x", "--output", "y", "--format", "csv"));
        assertEquals(2, cl.execute("--input", "x", "--output", "y", "--beam", "-1"));
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default model's decoding options end to end: the language model by default, grammars with rejection, n-best
 * alternatives in JSON, hotwords, and one-line refusals of bad option files.
 */
class DecodingOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path COMMANDS = Path.of("..", "testdata", "commands");
    private static final Path SAMPLES = Path.of("..", "samples");

    @TempDir
    Path tmp;

    private static JsonNode json(CliTest.Run r) throws IOException {
        assertEquals(0, r.exit(), r.err());
        return JSON.readTree(r.out());
    }

    @Test
    void theDefaultLanguageModelCorrectsTheSamplesSpelling() {
        CliTest.Run withLm = CliTest.run("transcribe", SAMPLES.resolve("synthetic-espeak.wav").toString());
        assertEquals(0, withLm.exit(), withLm.err());
        assertEquals("for best results follow directions carefully\n", withLm.out());
        CliTest.Run without = CliTest.run("transcribe", "--lm", "none",
                SAMPLES.resolve("synthetic-espeak.wav").toString());
        assertEquals("four best results followadeirections carefully\n", without.out());
    }

    @Test
    void aGrammarOfEightCommandsRecognizesEachAndRejectsOtherSpeech() throws IOException {
        List<String> phrases = Files.readAllLines(COMMANDS.resolve("grammar.txt"));
        assertEquals(8, phrases.size());
        for (String phrase : phrases) {
            Path wav = COMMANDS.resolve(phrase.replace(' ', '-') + ".wav");
            JsonNode o = json(CliTest.run("transcribe", "--grammar", COMMANDS.resolve("grammar.txt").toString(),
                    "--format", "json", wav.toString()));
            assertEquals(phrase, o.get("text").asText(), wav.toString());
            assertFalse(o.has("rejected"), o.toString());
        }
        JsonNode other = json(CliTest.run("transcribe", "--grammar", COMMANDS.resolve("grammar.txt").toString(),
                "--format", "json", SAMPLES.resolve("synthetic-espeak.wav").toString()));
        assertEquals("", other.get("text").asText());
        assertTrue(other.get("rejected").asBoolean(), other.toString());
    }

    @Test
    void threeAlternativesWithConfidencesInJson() throws IOException {
        JsonNode o = json(CliTest.run("transcribe", "--alternatives", "3", "--format", "json",
                SAMPLES.resolve("synthetic-espeak.wav").toString()));
        JsonNode alternatives = o.get("alternatives");
        assertEquals(3, alternatives.size(), o.toString());
        assertEquals(o.get("text").asText(), alternatives.get(0).get("text").asText());
        double sum = 0;
        double previous = 1;
        for (JsonNode a : alternatives) {
            double c = a.get("confidence").asDouble();
            assertTrue(c > 0 && c <= previous, o.toString());
            previous = c;
            sum += c;
        }
        assertTrue(sum <= 1 + 1e-6, o.toString());
        assertEquals(3, alternatives.findValuesAsText("text").stream().distinct().count(), "distinct texts");
    }

    @Test
    void aHotwordBringsOutAPhraseTheModelMissed() throws IOException {
        Path sample = SAMPLES.resolve("asterisk-all-circuits-busy-now.wav");
        CliTest.Run plain = CliTest.run("transcribe", sample.toString());
        assertFalse(plain.out().contains("circuits"), plain.out());
        Path hotwords = Files.writeString(tmp.resolve("hotwords.txt"), "# what the prompt says\ncircuits are busy:1\n");
        CliTest.Run boosted = CliTest.run("transcribe", "--hotwords", hotwords.toString(), sample.toString());
        assertEquals(0, boosted.exit(), boosted.err());
        assertTrue(boosted.out().contains("circuits are busy"), boosted.out());
    }

    @Test
    void badOptionFilesAndValuesAreOneLineRefusals() throws IOException {
        String sample = SAMPLES.resolve("synthetic-espeak.wav").toString();
        Path badBoost = Files.writeString(tmp.resolve("hot.txt"), "hello:lots\n");
        CliTest.Run r = CliTest.run("transcribe", "--hotwords", badBoost.toString(), sample);
        assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit());
        assertEquals("speechmoe: " + badBoost + ":1: expected 'phrase' or 'phrase:boost', got 'hello:lots'\n", r.err());

        Path unspellable = Files.writeString(tmp.resolve("grammar.txt"), "turn left\nnumber 42\n");
        r = CliTest.run("transcribe", "--grammar", unspellable.toString(), sample);
        assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit(), r.err());
        assertEquals("speechmoe: grammar phrase 'number 42' has characters the vocabulary cannot spell: 42\n",
                r.err());

        Path empty = Files.writeString(tmp.resolve("empty.txt"), "\n# nothing\n");
        r = CliTest.run("transcribe", "--grammar", empty.toString(), sample);
        assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit());
        assertEquals("speechmoe: " + empty + ": no phrases\n", r.err());

        r = CliTest.run("transcribe", "--lm", tmp.resolve("missing.smlm").toString(), sample);
        assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());

        Path notLm = Files.writeString(tmp.resolve("not.smlm"), "not a language model");
        r = CliTest.run("transcribe", "--lm", notLm.toString(), sample);
        assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("speechmoe: " + notLm), r.err());

        r = CliTest.run("transcribe", "--lm-weight", "NaN", sample);
        assertEquals(SpeechMoeCli.EXIT_USAGE, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}

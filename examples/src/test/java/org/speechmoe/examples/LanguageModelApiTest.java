package org.speechmoe.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.speechmoe.runtime.api.Hotword;
import org.speechmoe.runtime.api.LanguageModel;
import org.speechmoe.runtime.api.Logits;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.api.Transcript;

/** The language model, hotwords, grammars and alternatives through the public API, with the default model. */
class LanguageModelApiTest {
    private static final Path SAMPLE = Path.of("..", "samples", "synthetic-espeak.wav");

    @Test
    void theDefaultLanguageModelIsSharedByRecognizersAndRefusedOnceClosed() throws Exception {
        try (SpeechMoeModel model = SpeechMoeModel.openDefault()) {
            LanguageModel lm = LanguageModel.openDefault();
            assertEquals(4, lm.order());
            assertTrue(lm.vocabularySize() > 60_000, String.valueOf(lm.vocabularySize()));
            RecognizerOptions options = RecognizerOptions.defaults().withThreads(1).withLanguageModel(lm);
            assertEquals(RecognizerOptions.SEARCH_BEAM_WIDTH, options.beamWidth(), "an LM switches greedy to search");
            assertTrue(options.lexiconOnly());
            Transcript fromFile;
            try (Recognizer a = model.newRecognizer(options); Recognizer b = model.newRecognizer(options)) {
                fromFile = a.transcribe(SAMPLE);
                assertEquals("for best results follow directions carefully", fromFile.text());
                assertEquals(fromFile.text(), fromFile.alternatives().getFirst().text());
                assertFalse(fromFile.rejected());
                Logits logits = b.logits(SAMPLE);
                assertEquals(fromFile.text(), b.decode(logits).text(), "decoding the logits again gives the same");

                lm.close();
                lm.close();
                assertThrows(IllegalStateException.class, () -> a.transcribe(SAMPLE));
            }
            assertThrows(IllegalStateException.class, () -> model.newRecognizer(options));
            try (Recognizer greedy = model.newRecognizer(RecognizerOptions.defaults().withThreads(1))) {
                Transcript t = greedy.transcribe(SAMPLE);
                assertEquals("four best results followadeirections carefully", t.text());
                assertTrue(t.alternatives().isEmpty(), "greedy decoding weighs no alternatives");
            }
        }
    }

    @Test
    void optionsRefuseWhatCannotWork() {
        RecognizerOptions d = RecognizerOptions.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withLexiconOnly(true));
        assertThrows(IllegalArgumentException.class, () -> d.withLmWeights(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> d.withAlternatives(0));
        assertThrows(IllegalArgumentException.class, () -> Hotword.of(" "));
        assertEquals(RecognizerOptions.SEARCH_BEAM_WIDTH, d.withAlternatives(3).beamWidth());
        assertEquals(1, d.withGrammar(List.of()).beamWidth(), "no grammar: still greedy");
        assertEquals(1, d.withHotwords(List.of(), 1).beamWidth(), "no hotwords: still greedy");
    }

    @Test
    void theVoiceCommandsExampleRecognizesEachCommandAndRejectsOtherSpeech() throws Exception {
        Path commands = EmbeddingExamplesTest.FIXTURES.resolve("commands");
        List<String> phrases = Files.readAllLines(commands.resolve("grammar.txt"));
        List<String> args = new java.util.ArrayList<>(List.of(commands.resolve("grammar.txt").toString()));
        phrases.forEach(p -> args.add(commands.resolve(p.replace(' ', '-') + ".wav").toString()));
        args.add(SAMPLE.toString());
        EmbeddingExamplesTest.Result r = EmbeddingExamplesTest.java(VoiceCommands.class.getName(), args);
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(phrases.size() + 1, lines.size(), r.out());
        for (int i = 0; i < phrases.size(); i++) {
            assertTrue(lines.get(i).split("\t")[1].startsWith(phrases.get(i)), lines.get(i));
        }
        assertEquals(SAMPLE + "\t(rejected)", lines.getLast());
    }
}

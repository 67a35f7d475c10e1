package org.speechmoe.runtime.api;

import java.util.ArrayList;
import java.util.List;
import org.speechmoe.runtime.internal.decoder.DecodedText;
import org.speechmoe.runtime.internal.model.StreamingTranscriber;
import org.speechmoe.runtime.internal.model.Transcriber;

/** The public {@link Transcript} of an internal transcription. */
final class Transcripts {
    private Transcripts() {
    }

    /**
     * @param computeSeconds how long the work took
     * @throws IllegalStateException when the options' language model was closed meanwhile
     */
    static Transcript of(Transcriber.Transcription t, RecognizerOptions options, double computeSeconds) {
        LanguageModel lm = options.languageModel();
        if (lm != null && lm.isClosed()) {
            throw new IllegalStateException("the language model " + lm.path() + " was closed during recognition");
        }
        List<ExpertUsage> usage = new ArrayList<>();
        for (int b = 0; b < t.routing().size(); b++) {
            List<Integer> counts = new ArrayList<>();
            for (int c : t.routing().get(b).framesPerExpert()) {
                counts.add(c);
            }
            usage.add(new ExpertUsage(b, counts, t.routing().get(b).meanGate()));
        }
        DecodedText text = t.text();
        List<Word> words = text.words().stream().map(w -> new Word(w.text(), w.start(), w.end(), w.confidence()))
                .toList();
        List<Token> tokens = text.tokens().stream()
                .map(k -> new Token(k.id(), k.text(), k.start(), k.end(), k.probability())).toList();
        List<Alternative> alternatives = t.alternatives().stream()
                .map(a -> new Alternative(a.text(), a.confidence())).toList();
        return new Transcript(text.text(), words, tokens, usage, t.audioSeconds(), computeSeconds, alternatives,
                t.rejected());
    }

    /**
     * The public {@link Utterance} of a stream's utterance.
     *
     * @param rate the stream's samples per second (the model's)
     * @throws IllegalStateException when the options' language model was closed meanwhile
     */
    static Utterance utterance(StreamingTranscriber.Utterance u, double rate, RecognizerOptions options) {
        Utterance.Ending ending = u.ending() == null ? Utterance.Ending.IN_PROGRESS : switch (u.ending()) {
            case SILENCE_AFTER_SPEECH -> Utterance.Ending.SILENCE_AFTER_SPEECH;
            case MAX_LENGTH -> Utterance.Ending.MAX_LENGTH;
            case END_OF_STREAM -> Utterance.Ending.END_OF_STREAM;
        };
        return new Utterance(u.from() / rate, u.to() / rate, of(u.transcription(), options, u.computeSeconds()), ending);
    }
}

package org.speechmoe.runtime.api;

import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.backend.OffloadedBackend;
import org.speechmoe.runtime.internal.decoder.SearchOptions;
import org.speechmoe.runtime.internal.model.Transcriber;

/** What {@link RecognizerOptions} make of a model: the kernels and the decoder of a recognizer or a stream. */
final class TranscriberFactory {
    /** Beam search looks at this many of each frame's most probable tokens per prefix it keeps. */
    private static final int TOKENS_PER_FRAME_PER_BEAM = 4;

    private TranscriberFactory() {
    }

    /**
     * @throws org.speechmoe.runtime.spi.BackendUnavailableException when the backend or device cannot run here
     * @throws IllegalArgumentException when a hotword or grammar phrase has a character the model cannot spell
     */
    static Transcriber create(SpeechMoeModel model, RecognizerOptions options) {
        return create(model, options, backend(model, options));
    }

    /**
     * A transcriber on a given backend (streams of a {@link StreamGroup} share the group's).
     *
     * @throws IllegalArgumentException when a hotword or grammar phrase has a character the model cannot spell
     */
    static Transcriber create(SpeechMoeModel model, RecognizerOptions options, Backend backend) {
        return new Transcriber(model.loaded(), backend, search(options));
    }

    /**
     * The kernels {@code options} ask for.
     *
     * @throws org.speechmoe.runtime.spi.BackendUnavailableException when the backend or device cannot run here
     */
    static Backend backend(SpeechMoeModel model, RecognizerOptions options) {
        Backend cpu = options.backend().equals(RecognizerOptions.AUTO) ? Backends.best(options.threads())
                : Backends.named(options.backend(), options.threads());
        return options.device().equals(RecognizerOptions.GPU)
                ? new OffloadedBackend(cpu, model.offload(RecognizerOptions.GPU)) : cpu;
    }

    /** The beam search {@code options} ask for, or null for greedy decoding. */
    private static SearchOptions search(RecognizerOptions options) {
        if (options.beamWidth() == 1) {
            return null;
        }
        SearchOptions.Builder b = SearchOptions.builder(options.beamWidth())
                .tokenPruning(Math.max(16, TOKENS_PER_FRAME_PER_BEAM * options.beamWidth()), Float.NEGATIVE_INFINITY)
                .hotwords(options.hotwords().stream().map(h -> new SearchOptions.Hotword(h.phrase(), h.boost()))
                        .toList(), options.hotwordBoost())
                .grammar(options.grammar())
                .alternatives(options.alternatives());
        LanguageModel lm = options.languageModel();
        if (lm != null) {
            b.languageModel(lm.ngrams(), options.lmWeight(), options.wordBonus())
                    .lexiconConstrained(options.lexiconOnly());
        }
        return b.build();
    }
}

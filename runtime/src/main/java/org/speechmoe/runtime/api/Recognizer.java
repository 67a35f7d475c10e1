package org.speechmoe.runtime.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import javax.sound.sampled.AudioInputStream;
import java.util.ArrayList;
import java.util.List;
import org.speechmoe.runtime.internal.audio.AudioReader;
import org.speechmoe.runtime.internal.audio.JavaSoundAudio;
import org.speechmoe.runtime.internal.audio.SampleRates;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.backend.OffloadedBackend;
import org.speechmoe.runtime.internal.decoder.CtcGreedy;
import org.speechmoe.runtime.internal.decoder.CtcPrefixBeamSearch;
import org.speechmoe.runtime.internal.decoder.DecodedText;
import org.speechmoe.runtime.internal.decoder.EmittedToken;
import org.speechmoe.runtime.internal.decoder.LogProbs;
import org.speechmoe.runtime.internal.encoder.Encoder;
import org.speechmoe.runtime.internal.moe.Routing;
import org.speechmoe.runtime.internal.moe.RoutingStats;
import org.speechmoe.runtime.internal.model.LoadedModel;
import org.speechmoe.runtime.internal.state.RecognizerState;

/**
 * Turns audio into text with a shared {@link SpeechMoeModel}. Single-threaded: a recognizer owns the state its passes
 * write (scratch now, streaming caches later) and its kernels' threads, so use one per thread. Cheap to create;
 * closing it only marks it unusable (the model owns the file), and closing twice does nothing more.
 */
public final class Recognizer implements AutoCloseable {
    /** Beam search looks at this many of each frame's most probable tokens per prefix it keeps. */
    private static final int TOKENS_PER_FRAME_PER_BEAM = 4;

    private final LoadedModel model;
    private final RecognizerOptions options;
    private final Backend backend;
    private final RecognizerState state = new RecognizerState();
    private final CtcPrefixBeamSearch beamSearch;
    private boolean closed;

    Recognizer(SpeechMoeModel model, RecognizerOptions options) {
        this.model = model.loaded();
        this.options = options;
        Backend cpu = options.backend().equals(RecognizerOptions.AUTO) ? Backends.best(options.threads())
                : Backends.named(options.backend(), options.threads());
        this.backend = options.device().equals(RecognizerOptions.GPU)
                ? new OffloadedBackend(cpu, model.offload(RecognizerOptions.GPU)) : cpu;
        this.beamSearch = options.beamWidth() == 1 ? null : new CtcPrefixBeamSearch(options.beamWidth(),
                Math.max(16, TOKENS_PER_FRAME_PER_BEAM * options.beamWidth()), Float.NEGATIVE_INFINITY);
    }

    public RecognizerOptions options() {
        return options;
    }

    /**
     * An audio file, its container told from its bytes, not its name: WAV (PCM, float, μ-law, A-law), AIFF and Sun AU
     * always; FLAC, MP3 and Ogg Vorbis when {@code speechmoe-audio-codecs} is on the class or module path. Any channels
     * (mixed down) and any rate from 4 kHz to 384 kHz (resampled). The file is read once, front to back, so a named
     * pipe works too. Unusable audio is an {@link IOException} whose message is one line starting with the path.
     */
    public Transcript transcribe(Path audioFile) throws IOException {
        return transcribe(AudioReader.read(audioFile));
    }

    /**
     * An audio file's bytes from a stream (standard input, a pipe, an upload), read to its end and not closed: the
     * containers and rates of {@link #transcribe(Path)}. Error messages start with "stream".
     */
    public Transcript transcribe(InputStream audioFile) throws IOException {
        return transcribe(audioFile, "stream");
    }

    /** As {@link #transcribe(InputStream)}, with error messages that start with {@code name}. */
    public Transcript transcribe(InputStream audioFile, String name) throws IOException {
        return transcribe(AudioReader.read(audioFile, name));
    }

    /**
     * Audio from Java Sound, e.g. {@code AudioSystem.getAudioInputStream(file)} or a microphone line's stream read to
     * its end: signed or unsigned PCM of 8 to 32 bits, or float, either byte order, any channels and rate.
     */
    public Transcript transcribe(AudioInputStream stream) throws IOException {
        return transcribe(JavaSoundAudio.read(stream));
    }

    /**
     * Mono samples in [-1, 1] at any sample rate from 4 kHz to 384 kHz (resampled to the model's); another rate is an
     * {@link IllegalArgumentException}.
     */
    public Transcript transcribe(float[] samples, int sampleRate) {
        SampleRates.require(sampleRate);
        return transcribe(new Samples(samples, sampleRate));
    }

    /** 16-bit PCM at a sample rate from 4 kHz to 384 kHz. */
    public Transcript transcribe(short[] pcm, int sampleRate) {
        float[] samples = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            samples[i] = pcm[i] / 32768f;
        }
        return transcribe(samples, sampleRate);
    }

    private Transcript transcribe(Samples audio) {
        long start = System.nanoTime();
        Encoder.Output out = encode(audio);
        LogProbs logProbs = new LogProbs(out.logProbs(), out.frames(), out.vocab());
        List<EmittedToken> best = beamSearch == null ? CtcGreedy.decode(logProbs)
                : beamSearch.search(logProbs).stream().findFirst().map(h -> h.tokens()).orElse(List.of());
        DecodedText text = DecodedText.of(best, model.config().tokens(), model.timing(), audio.seconds());
        List<ExpertUsage> usage = new ArrayList<>();
        for (int b = 0; b < out.routings().size(); b++) {
            RoutingStats s = RoutingStats.of(out.routings().get(b));
            List<Integer> counts = new ArrayList<>();
            for (int c : s.framesPerExpert()) {
                counts.add(c);
            }
            usage.add(new ExpertUsage(b, counts, s.meanGate()));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Word> words = text.words().stream().map(w -> new Word(w.text(), w.start(), w.end(), w.confidence()))
                .toList();
        List<Token> tokens = text.tokens().stream()
                .map(t -> new Token(t.id(), t.text(), t.start(), t.end(), t.probability())).toList();
        return new Transcript(text.text(), words, tokens, usage, audio.seconds(), seconds);
    }

    /** The log-probabilities and routes of an audio file ({@link #transcribe(Path)}'s formats), without decoding. */
    public Logits logits(Path audioFile) throws IOException {
        return logits(AudioReader.read(audioFile));
    }

    /** The log-probabilities and routes of mono samples in [-1, 1] at 4 kHz to 384 kHz, without decoding. */
    public Logits logits(float[] samples, int sampleRate) {
        SampleRates.require(sampleRate);
        return logits(new Samples(samples, sampleRate));
    }

    private Logits logits(Samples audio) {
        Encoder.Output out = encode(audio);
        int blocks = out.routings().size();
        int[] routes = new int[blocks * out.frames()];
        float[] gates = new float[blocks * out.frames()];
        for (int b = 0; b < blocks; b++) {
            Routing r = out.routings().get(b);
            System.arraycopy(r.experts(), 0, routes, b * out.frames(), out.frames());
            System.arraycopy(r.gates(), 0, gates, b * out.frames(), out.frames());
        }
        return new Logits(out.logProbs(), out.frames(), out.vocab(), routes, gates, blocks);
    }

    private Encoder.Output encode(Samples audio) {
        if (closed) {
            throw new IllegalStateException("this recognizer is closed");
        }
        return model.encode(backend, state, audio);
    }

    @Override
    public void close() {
        closed = true;
    }
}

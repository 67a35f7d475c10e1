package org.speechmoe.runtime.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.file.Path;
import javax.sound.sampled.AudioInputStream;
import java.util.function.Function;
import java.util.function.Supplier;
import org.speechmoe.runtime.internal.audio.AudioReader;
import org.speechmoe.runtime.internal.audio.AudioStream;
import org.speechmoe.runtime.internal.audio.JavaSoundAudio;
import org.speechmoe.runtime.internal.audio.SampleRates;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.decoder.LogProbs;
import org.speechmoe.runtime.internal.encoder.Encoder;
import org.speechmoe.runtime.internal.moe.Routing;
import org.speechmoe.runtime.internal.model.Transcriber;

/**
 * Turns audio into text with a shared {@link SpeechMoeModel}. One thread at a time: a recognizer owns the state its
 * passes write (scratch now, streaming caches later) and its kernels' threads, so use one per thread; a call while
 * another thread's call is running is refused with {@link IllegalStateException}. Cheap to create; closing it only
 * marks it unusable (the model owns the file), and closing twice does nothing more. A closed recognizer, or one whose
 * model is closed, throws {@link IllegalStateException}.
 */
public final class Recognizer implements AutoCloseable {
    private final SpeechMoeModel owner;
    private final RecognizerOptions options;
    private final Transcriber transcriber;
    private volatile boolean closed;
    private final SingleUser user = new SingleUser("recognizer");

    Recognizer(SpeechMoeModel model, RecognizerOptions options) {
        this.owner = model;
        this.options = options;
        this.transcriber = TranscriberFactory.create(model, options);
    }

    /**
     * The options this recognizer was made with.
     *
     * @return its options
     */
    public RecognizerOptions options() {
        return options;
    }

    /**
     * An audio file, its container told from its bytes, not its name: WAV (PCM, float, μ-law, A-law), AIFF and Sun AU
     * always; FLAC, MP3 and Ogg Vorbis when {@code speechmoe-audio-codecs} is on the class or module path. Any channels
     * (mixed down) and any rate from 4 kHz to 384 kHz (resampled). The file is read once, front to back, so a named
     * pipe works too.
     *
     * @param audioFile the file
     * @return what was said, with times
     * @throws IOException             when the file cannot be read or holds no usable audio (one line starting with
     *                                 the path), or the model turns out damaged on its first pass
     * @throws IllegalStateException when this recognizer or its model is closed, or another thread is using it
     */
    public Transcript transcribe(Path audioFile) throws IOException {
        return transcribeStream(() -> AudioReader.open(audioFile));
    }

    /**
     * An audio file's bytes from a stream (standard input, a pipe, an upload), read to its end and not closed: the
     * containers and rates of {@link #transcribe(Path)}. Error messages start with "stream".
     *
     * @param audioFile the bytes of an audio file
     * @return what was said, with times
     * @throws IOException             as {@link #transcribe(Path)}
     * @throws IllegalStateException when this recognizer or its model is closed, or another thread is using it
     */
    public Transcript transcribe(InputStream audioFile) throws IOException {
        return transcribe(audioFile, "stream");
    }

    /**
     * As {@link #transcribe(InputStream)}, with error messages that start with {@code name}.
     *
     * @param audioFile the bytes of an audio file
     * @param name      what to call the input in messages
     * @return what was said, with times
     * @throws IOException             as {@link #transcribe(Path)}
     * @throws IllegalStateException when this recognizer or its model is closed, or another thread is using it
     */
    public Transcript transcribe(InputStream audioFile, String name) throws IOException {
        return transcribeStream(() -> AudioReader.open(audioFile, name));
    }

    /**
     * Audio from Java Sound, e.g. {@code AudioSystem.getAudioInputStream(file)} or a microphone line's stream read to
     * its end: signed or unsigned PCM of 8 to 32 bits, or float, either byte order, any channels, a rate from 4 kHz
     * to 384 kHz.
     *
     * @param stream the audio, read to its end
     * @return what was said, with times
     * @throws IOException             when the stream fails or its format is unusable, or the model turns out damaged
     * @throws IllegalStateException when this recognizer or its model is closed, or another thread is using it
     */
    public Transcript transcribe(AudioInputStream stream) throws IOException {
        return transcribeStream(() -> JavaSoundAudio.open(stream));
    }

    /** What opens the audio of one call, once the recognizer is taken. */
    private interface AudioOpener {
        AudioStream open() throws IOException;
    }

    /** Reads and recognizes the audio {@code opener} opens, segment by segment as it arrives. */
    private Transcript transcribeStream(AudioOpener opener) throws IOException {
        enter();
        try (AudioStream audio = opener.open()) {
            long start = System.nanoTime();
            return transcript(transcriber.transcribe(audio), start);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            user.exit();
        }
    }

    /** Runs a pass, turning a damaged model found on the way (thrown unchecked) back into the IOException it is. */
    private static <T> T checked(Supplier<T> pass) throws IOException {
        try {
            return pass.get();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Mono samples in [-1, 1] at any sample rate from 4 kHz to 384 kHz (resampled to the model's).
     *
     * @param samples    the audio (not modified)
     * @param sampleRate samples per second
     * @return what was said, with times
     * @throws IllegalArgumentException when the rate is outside 4 kHz to 384 kHz
     * @throws IllegalStateException    when this recognizer or its model is closed, or another thread is using it
     * @throws UncheckedIOException     when the model turns out damaged on its first pass (see {@link ModelOptions})
     */
    public Transcript transcribe(float[] samples, int sampleRate) {
        SampleRates.require(sampleRate);
        return transcribe(new Samples(samples, sampleRate));
    }

    /**
     * 16-bit PCM at a sample rate from 4 kHz to 384 kHz.
     *
     * @param pcm        the audio
     * @param sampleRate samples per second
     * @return what was said, with times
     * @throws IllegalArgumentException when the rate is outside 4 kHz to 384 kHz
     * @throws IllegalStateException    when this recognizer or its model is closed, or another thread is using it
     * @throws UncheckedIOException     when the model turns out damaged on its first pass (see {@link ModelOptions})
     */
    public Transcript transcribe(short[] pcm, int sampleRate) {
        return transcribe(Samples.fromPcm16(pcm), sampleRate);
    }

    private Transcript transcribe(Samples audio) {
        enter();
        try {
            long start = System.nanoTime();
            return transcript(transcriber.transcribe(audio), start);
        } finally {
            user.exit();
        }
    }

    private Transcript transcript(Transcriber.Transcription t, long start) {
        return Transcripts.of(t, options, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The log-probabilities and routes of an audio file ({@link #transcribe(Path)}'s formats), without decoding and
     * without segmenting: the whole recording in one pass, as the reference computes it.
     *
     * @param audioFile the file
     * @return the encoder's output
     * @throws IOException             as {@link #transcribe(Path)}
     * @throws IllegalStateException when this recognizer or its model is closed, or another thread is using it
     */
    public Logits logits(Path audioFile) throws IOException {
        Samples audio = AudioReader.read(audioFile);
        return checked(() -> logits(audio));
    }

    /**
     * As {@link #logits(Path)}, decoded chunk by chunk as a stream decodes a causal model ({@code causal: true},
     * see {@code GraphConfig.streamable()}): the result equals the full pass with attention masked to each chunk and
     * the chunks before it.
     *
     * @param chunkSize  output frames per chunk (40 ms each), at least 1
     * @param leftChunks earlier chunks of attention context kept, negative for all
     * @throws IllegalStateException    for a full-context model, or as {@link #logits(Path)}
     * @throws IllegalArgumentException for a chunk size below 1
     */
    public Logits logits(Path audioFile, int chunkSize, int leftChunks) throws IOException {
        Samples audio = AudioReader.read(audioFile);
        return checked(() -> logits(audio, a -> transcriber.encode(a, chunkSize, leftChunks)));
    }

    /**
     * The log-probabilities and routes of mono samples in [-1, 1] at 4 kHz to 384 kHz, without decoding.
     *
     * @param samples    the audio (not modified)
     * @param sampleRate samples per second
     * @return the encoder's output
     * @throws IllegalArgumentException when the rate is outside 4 kHz to 384 kHz
     * @throws IllegalStateException    when this recognizer or its model is closed, or another thread is using it
     * @throws UncheckedIOException     when the model turns out damaged on its first pass (see {@link ModelOptions})
     */
    public Logits logits(float[] samples, int sampleRate) {
        SampleRates.require(sampleRate);
        return logits(new Samples(samples, sampleRate));
    }

    private Logits logits(Samples audio) {
        return logits(audio, this::encode);
    }

    private Logits logits(Samples audio, Function<Samples, Encoder.Output> encode) {
        enter();
        Encoder.Output out;
        try {
            out = encode.apply(audio);
        } finally {
            user.exit();
        }
        int blocks = out.routings().size();
        int experts = blocks == 0 ? 0 : out.routings().getFirst().numExperts();
        int[] routes = new int[blocks * out.frames()];
        float[] gates = new float[blocks * out.frames()];
        float[] probabilities = new float[blocks * out.frames() * experts];
        for (int b = 0; b < blocks; b++) {
            Routing r = out.routings().get(b);
            System.arraycopy(r.experts(), 0, routes, b * out.frames(), out.frames());
            System.arraycopy(r.gates(), 0, gates, b * out.frames(), out.frames());
            System.arraycopy(r.probabilities(), 0, probabilities, b * out.frames() * experts, out.frames() * experts);
        }
        return new Logits(out.logProbs(), out.frames(), out.vocab(), routes, gates, blocks, probabilities, experts);
    }

    /**
     * Decodes log-probabilities that {@link #logits} computed before (with any recognizer of the same model), with
     * this recognizer's decoding options: for trying decoding options (beam width, language model weights, hotwords)
     * without running the encoder again. Times are those of the frames; the audio is taken to end with the last
     * frame; the expert usage is empty.
     *
     * @param logits the encoder's output
     * @return what was said, with times
     * @throws IllegalArgumentException when the logits have another vocabulary size than this model
     * @throws IllegalStateException    when this recognizer or its model is closed, or another thread is using it
     */
    public Transcript decode(Logits logits) {
        enter();
        try {
            long start = System.nanoTime();
            return transcript(transcriber.decode(new LogProbs(logits.logProbs(), logits.frames(), logits.vocab())),
                    start);
        } finally {
            user.exit();
        }
    }

    /** Takes the recognizer for this thread's call, or refuses: closed, model closed, or another thread inside. */
    private void enter() {
        user.enter(closed, owner);
    }

    private Encoder.Output encode(Samples audio) {
        return transcriber.encode(audio);
    }

    /** Marks the recognizer unusable; closing again does nothing. */
    @Override
    public void close() {
        closed = true;
    }
}

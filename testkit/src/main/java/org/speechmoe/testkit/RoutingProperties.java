package org.speechmoe.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * The routing invariants of a SpeechMoE model as jqwik properties. Extend it with your model (and, if you like, your
 * recordings) and run it with your tests:
 *
 * <pre>{@code
 * class MyModelRoutingProperties extends RoutingProperties {
 *     protected Path model() { return Path.of("models/my-model.smoe"); }
 *     protected List<Path> audio() { return List.of(Path.of("audio/meeting.wav")); }
 * }
 * }</pre>
 *
 * Each property draws generated signals, and excerpts of {@link #audio()} when there are any, and checks, per MoE
 * layer and frame, one of the invariants of {@link RoutingChecks}; a failure names the layer, the frame and the
 * values, and jqwik shrinks the input to the shortest, plainest one that still fails. The defaults make a short run
 * ({@value #TRIES} tries a property); annotate your class with {@code @PropertyDefaults(tries = ...)} for more.
 */
@PropertyDefaults(tries = RoutingProperties.TRIES)
public abstract class RoutingProperties {
    /** Tries per property by default: each runs the model several times. */
    public static final int TRIES = 8;

    private RoutingChecks checks;
    private Path scratch;

    /**
     * The model under test.
     *
     * @return its {@code .smoe} file
     */
    protected abstract Path model();

    /**
     * Recordings to draw excerpts from, besides the generated signals.
     *
     * @return audio files (WAV, or FLAC/MP3/Ogg with speechmoe-audio-codecs); none by default
     */
    protected List<Path> audio() {
        return List.of();
    }

    /**
     * The longest input a property runs the model on.
     *
     * @return seconds; 2 by default
     */
    protected double maxSeconds() {
        return 2.0;
    }

    /**
     * The most threads a run may use; thread counts of 1 and this are compared.
     *
     * @return at most 4 by default
     */
    protected int threads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The checks on {@link #model()}, opened on first use.
     *
     * @return the checks
     */
    protected final RoutingChecks checks() {
        if (checks == null) {
            try {
                scratch = Files.createTempDirectory("speechmoe-testkit");
                checks = new RoutingChecks(model(), threads(), scratch);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return checks;
    }

    @AfterProperty
    void closeChecks() throws IOException {
        if (checks != null) {
            checks.close();
            Files.deleteIfExists(scratch);
            checks = null;
        }
    }

    @Provide
    Arbitrary<KitAudio> recordings() {
        return KitArbitraries.audio(audio(), maxSeconds());
    }

    @Provide
    Arbitrary<Relabelling> relabellings() {
        ModelUnderTest m = checks().model();
        return KitArbitraries.relabellings(m.layers(), m.experts());
    }

    @Provide
    Arbitrary<List<KitAudio>> batches() {
        return recordings().list().ofMinSize(2).ofMaxSize(3);
    }

    @Property
    void eachFrameGoesToTheMostProbableExpertWithItsProbabilityAsGate(@ForAll("recordings") KitAudio audio) {
        require(checks().routerOutput(audio));
    }

    @Property
    void sparseDispatchEqualsEveryExpertMaskedOneHot(@ForAll("recordings") KitAudio audio) {
        require(checks().sparseEqualsDense(audio));
    }

    @Property
    void relabellingTheExpertsRelabelsTheRoutesAndNothingElse(@ForAll("recordings") KitAudio audio,
                                                               @ForAll("relabellings") Relabelling relabelling)
            throws IOException {
        require(checks().relabelling(audio, relabelling.labels()));
    }

    @Property
    void recordingsRouteAlikeAloneInARowOrSideBySide(@ForAll("batches") List<KitAudio> batch) {
        require(checks().batching(batch));
    }

    @Property
    void threadsAndBackendsAgree(@ForAll("recordings") KitAudio audio) {
        require(checks().threadsAndBackends(audio));
    }

    @Property
    void anExpertNoFrameChoseIsNeverRead(@ForAll("recordings") KitAudio audio) throws IOException {
        require(checks().idleExpertsUnread(audio));
    }

    /** Fails with the violations; a comparison a near tie made impossible does not count as a try. */
    private static void require(Findings f) {
        if (!f.passed()) {
            throw new AssertionError(f.report());
        }
        Assume.that(!f.inconclusive());
    }
}

package org.speechmoe.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntBinaryOperator;
import org.speechmoe.runtime.api.Logits;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.spi.BackendUnavailableException;

/**
 * The routing invariants of a SpeechMoE model, checked on one model and any audio through the public API: each
 * method runs the model as the invariant needs and returns what breaks it ({@link Findings}). The jqwik properties
 * ({@link RoutingProperties}) and {@code speechmoe routing --check} are both made of these.
 *
 * <p>Model copies (relabelled or poisoned experts) are written under a scratch folder and deleted after use.
 */
public final class RoutingChecks implements AutoCloseable {
    /** Check names, as violations report them. */
    public static final String ROUTER_OUTPUT = "router-output";
    public static final String SPARSE_EQUALS_DENSE = "sparse-equals-dense";
    public static final String RELABELLING = "relabelling";
    public static final String BATCHING = "batching";
    public static final String THREADS_AND_BACKENDS = "threads-and-backends";
    public static final String IDLE_EXPERTS = "idle-experts-unread";

    private final ModelUnderTest model;
    private final Tolerance tolerance;
    private final int threads;
    private final Path scratch;
    private final SpeechMoeModel opened;

    /**
     * Opens the model for checking.
     *
     * @param model   the {@code .smoe} file
     * @param threads the most threads a run may use (thread counts from 1 to this are compared)
     * @param scratch a folder for the model copies some checks write
     * @throws IOException when the model cannot be read
     */
    public RoutingChecks(Path model, int threads, Path scratch) throws IOException {
        this.model = ModelUnderTest.of(model);
        this.tolerance = Tolerance.of(this.model.expertDtype());
        this.threads = threads;
        this.scratch = scratch;
        this.opened = SpeechMoeModel.open(model);
    }

    /**
     * What the checks know of the model.
     *
     * @return its layers, experts and expert type
     */
    public ModelUnderTest model() {
        return model;
    }

    /**
     * The tolerance the comparisons use.
     *
     * @return the tolerance for the model's expert type
     */
    public Tolerance tolerance() {
        return tolerance;
    }

    /**
     * The model's output for {@code audio} on the default backend with all threads.
     *
     * @param audio the audio
     * @return its logits and routes
     */
    public Logits logits(KitAudio audio) {
        return run(opened, options("auto", threads), audio);
    }

    /**
     * Every check on one recording, relabelling with {@code permutation} (see {@link #relabelling}).
     *
     * @param audio       the recording
     * @param permutation per layer, the new label of each expert
     * @return what broke, and what could not be compared
     * @throws IOException when a model copy cannot be written
     */
    public Findings all(KitAudio audio, int[][] permutation) throws IOException {
        Findings f = routerOutput(audio).and(sparseEqualsDense(audio)).and(relabelling(audio, permutation))
                .and(threadsAndBackends(audio)).and(idleExpertsUnread(audio));
        return f.and(batching(List.of(audio, reversed(audio))));
    }

    /**
     * Per layer and frame: the route is a valid expert and the most probable one, its gate is that probability and
     * lies in [1/E, 1], and the router's probabilities sum to 1.
     *
     * @param audio the recording
     * @return what broke
     */
    public Findings routerOutput(KitAudio audio) {
        return Findings.of(routerOutput(audio.description(), logits(audio)));
    }

    /**
     * {@link #routerOutput(KitAudio)} on logits computed elsewhere.
     *
     * @param input what the logits were computed from, for the report
     * @param logits the model's output
     * @return the violations, at most one per layer and kind
     */
    public static List<Violation> routerOutput(String input, Logits logits) {
        List<Violation> out = new ArrayList<>();
        int experts = logits.experts();
        int frames = logits.frames();
        float lowest = 1f / experts;
        for (int l = 0; l < logits.blocks(); l++) {
            boolean route = false;
            boolean gate = false;
            boolean sum = false;
            for (int t = 0; t < frames; t++) {
                int i = l * frames + t;
                int e = logits.routes()[i];
                float g = logits.gates()[i];
                int row = i * experts;
                float[] p = logits.routerProbabilities();
                if (e < 0 || e >= experts) {
                    if (!route) {
                        out.add(new Violation(ROUTER_OUTPUT, input, l, t, "route " + e + " is not one of the "
                                + experts + " experts"));
                        route = true;
                    }
                    continue;
                }
                int best = 0;
                double total = 0;
                for (int j = 0; j < experts; j++) {
                    total += p[row + j];
                    if (p[row + j] > p[row + best]) {
                        best = j;
                    }
                }
                if (p[row + e] < p[row + best] && !route) {
                    out.add(new Violation(ROUTER_OUTPUT, input, l, t, String.format(Locale.ROOT,
                            "routed to expert %d (probability %.7f), but expert %d is more probable (%.7f)", e,
                            p[row + e], best, p[row + best])));
                    route = true;
                }
                if ((g != p[row + e] || !(g >= lowest - 1e-6f && g <= 1 + 1e-6f)) && !gate) {
                    out.add(new Violation(ROUTER_OUTPUT, input, l, t, String.format(Locale.ROOT,
                            "gate %.7f: expected the router's probability of expert %d, %.7f, in [1/%d, 1]", g, e,
                            p[row + e], experts)));
                    gate = true;
                }
                if (!(Math.abs(total - 1) <= 1e-5) && !sum) {
                    out.add(new Violation(ROUTER_OUTPUT, input, l, t, String.format(Locale.ROOT,
                            "the router's probabilities sum to %.7f, not 1", total)));
                    sum = true;
                }
            }
        }
        return out;
    }

    /**
     * The runtime's sparse dispatch (each frame through its expert only) equals computing every expert on every frame
     * and selecting with a one-hot mask ({@link DenseExpertOffload}), within the tolerance; and the dispatch hands
     * each frame to exactly one expert. The dense experts reach the runtime as its {@code gpu} offload: where another
     * module's {@code gpu} provider comes first on the class path, this check is not run (a note says so).
     *
     * @param audio the recording
     * @return what broke
     */
    public Findings sparseEqualsDense(KitAudio audio) {
        Logits sparse = run(opened, options("scalar", 1), audio);
        DenseExpertOffload dense = new DenseExpertOffload();
        try (SpeechMoeModel m = SpeechMoeModel.open(model.path())) {
            Recognizer r = DenseOffloadProvider.lend(dense, () -> m.newRecognizer(options("scalar", 1)
                    .withDevice(RecognizerOptions.GPU)));
            Logits got;
            try (r) {
                got = run(r, audio);
            }
            if (dense.calls() == 0) {
                return Findings.notes(List.of(SPARSE_EQUALS_DENSE + " not run: another 'gpu' offload provider "
                        + "comes before speechmoe-testkit's on the class path and took the experts"));
            }
            List<Violation> v = new ArrayList<>();
            dense.dispatchProblems().forEach(p -> v.add(new Violation(SPARSE_EQUALS_DENSE, audio.description(),
                    p.layer(), p.frame(), p.detail())));
            return Findings.of(v).and(compare(SPARSE_EQUALS_DENSE, audio, sparse, got, (l, e) -> e));
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Relabelling the experts (each layer's expert {@code e} becomes {@code permutation[layer][e]}, its weights and
     * its router column alike) relabels the routes the same way and leaves the gates and the output unchanged,
     * within the tolerance.
     *
     * @param audio       the recording
     * @param permutation per layer, a permutation of {@code 0..E-1}
     * @return what broke
     * @throws IOException when the relabelled copy cannot be written
     */
    public Findings relabelling(KitAudio audio, int[][] permutation) throws IOException {
        Path copy = Files.createTempFile(scratch, "relabelled", ".smoe");
        try {
            ModelEdits.permute(model.path(), permutation, copy);
            Logits want = logits(audio);
            try (SpeechMoeModel m = SpeechMoeModel.open(copy)) {
                Logits got = run(m, options("auto", threads), audio);
                return compare(RELABELLING, audio, want, got, (l, e) -> permutation[l][e]);
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /**
     * Recordings give the same routes, gates and output, bit for bit, whether each is run alone on a new recognizer,
     * all in a row on one recognizer (in both orders), or side by side on recognizers in parallel threads.
     *
     * @param audios the recordings
     * @return what broke
     */
    public Findings batching(List<KitAudio> audios) {
        RecognizerOptions o = options("auto", threads);
        List<Logits> alone = new ArrayList<>();
        for (KitAudio a : audios) {
            alone.add(run(opened, o, a));
        }
        Findings f = Findings.none();
        try (Recognizer one = opened.newRecognizer(o)) {
            for (int i = 0; i < audios.size(); i++) {
                f = f.and(exact(BATCHING, "in a row after " + i + " other recordings", audios.get(i), alone.get(i),
                        one.logits(audios.get(i).samples(), audios.get(i).sampleRate())));
            }
            for (int i = audios.size() - 1; i >= 0; i--) {
                f = f.and(exact(BATCHING, "in a row, in reverse order", audios.get(i), alone.get(i),
                        one.logits(audios.get(i).samples(), audios.get(i).sampleRate())));
            }
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(audios.size())) {
            List<Future<Logits>> side = new ArrayList<>();
            for (KitAudio a : audios) {
                side.add(pool.submit(() -> run(opened, options("auto", 1), a)));
            }
            RecognizerOptions single = options("auto", 1);
            for (int i = 0; i < audios.size(); i++) {
                f = f.and(exact(BATCHING, "side by side in " + audios.size() + " threads", audios.get(i),
                        run(opened, single, audios.get(i)), side.get(i).get()));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return f;
    }

    /**
     * The same recording gives the same routes and, within the tolerance, the same gates and output on the scalar
     * backend (the specification), the vector backend with 1 and with {@code threads} threads, and the GPU offload
     * when a GPU module is on the class path and a device answers.
     *
     * @param audio the recording
     * @return what broke; a missing GPU is a note
     */
    public Findings threadsAndBackends(KitAudio audio) {
        Logits spec = run(opened, options("scalar", 1), audio);
        Findings f = Findings.none();
        List<String> notes = new ArrayList<>();
        for (String backend : List.of("vector", "scalar")) {
            for (int n : threads > 1 ? List.of(1, threads) : List.of(1)) {
                if (backend.equals("scalar") && n == 1) {
                    continue;
                }
                try {
                    f = f.and(compare(THREADS_AND_BACKENDS + " (" + backend + ", " + n + " threads)", audio, spec,
                            run(opened, options(backend, n), audio), (l, e) -> e));
                } catch (BackendUnavailableException e) {
                    notes.add(backend + " backend not run: " + e.getMessage());
                }
            }
        }
        try {
            Recognizer gpu = opened.newRecognizer(options("auto", threads).withDevice(RecognizerOptions.GPU));
            f = f.and(compare(THREADS_AND_BACKENDS + " (gpu)", audio, spec, run(gpu, audio), (l, e) -> e));
        } catch (BackendUnavailableException e) {
            notes.add("gpu not run: " + e.getMessage());
        }
        return f.and(Findings.notes(notes));
    }

    /**
     * An expert no frame of the recording chose is never read: with its weights replaced by NaN, the routes, gates
     * and output are the same bit for bit. Where every expert took a frame, the recording's beginning is checked
     * instead, halved until some expert idles.
     *
     * @param audio the recording
     * @return what broke; a recording on which every expert of every layer works is a note
     * @throws IOException when the poisoned copy cannot be written
     */
    public Findings idleExpertsUnread(KitAudio audio) throws IOException {
        KitAudio part = audio;
        Logits want = logits(part);
        boolean[][] idle = idle(want);
        // Long speech tends to use every expert; its beginning, halved until an expert idles, still tests the rule.
        while (count(idle) == 0 && part.samples().length / 2 >= part.sampleRate() / 5) {
            int n = part.samples().length / 2;
            part = new KitAudio(String.format(Locale.ROOT, "%s, its first %.2f s", audio.description(),
                    (double) n / part.sampleRate()), Arrays.copyOf(part.samples(), n), part.sampleRate());
            want = logits(part);
            idle = idle(want);
        }
        if (count(idle) == 0) {
            return Findings.notes(List.of(IDLE_EXPERTS + ": every expert of every layer took a frame of "
                    + audio.description() + " and of its beginnings, none to poison"));
        }
        Path copy = Files.createTempFile(scratch, "poisoned", ".smoe");
        try {
            ModelEdits.poison(model.path(), idle, copy);
            try (SpeechMoeModel m = SpeechMoeModel.open(copy)) {
                Logits got = run(m, options("auto", threads), part);
                return exact(IDLE_EXPERTS, "with the " + count(idle) + " idle experts' weights NaN", part, want, got);
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** Per layer, the experts no frame chose. */
    private boolean[][] idle(Logits logits) {
        boolean[][] idle = new boolean[model.layers()][model.experts()];
        for (int l = 0; l < model.layers(); l++) {
            Arrays.fill(idle[l], true);
            for (int t = 0; t < logits.frames(); t++) {
                idle[l][logits.routes()[l * logits.frames() + t]] = false;
            }
        }
        return idle;
    }

    private static int count(boolean[][] idle) {
        int n = 0;
        for (boolean[] layer : idle) {
            for (boolean b : layer) {
                n += b ? 1 : 0;
            }
        }
        return n;
    }

    private Findings compare(String check, KitAudio audio, Logits want, Logits got,
                             IntBinaryOperator relabel) {
        LogitsComparison c = LogitsComparison.of(check, audio.description(), want, got, tolerance, relabel);
        return new Findings(c.violations(), c.inconclusive() == null ? List.of()
                : List.of(check + " inconclusive on " + audio.description() + ": " + c.inconclusive()),
                c.inconclusive() != null, c.inconclusive() != null ? List.of()
                : List.of(new Findings.Difference(check, c.maxGateDiff(), c.maxLogProbDiff())));
    }

    /** Bit-for-bit equality, reported as a {@code check} violation saying how {@code got} was run. */
    private static Findings exact(String check, String how, KitAudio audio, Logits want, Logits got) {
        LogitsComparison c = LogitsComparison.of(check + " (" + how + ")", audio.description(), want, got,
                new Tolerance(0, 0, 0), (l, e) -> e);
        return new Findings(c.violations(), List.of(), false, List.of(new Findings.Difference(check + " (" + how
                + ")", c.maxGateDiff(), c.maxLogProbDiff())));
    }

    private static KitAudio reversed(KitAudio a) {
        float[] r = new float[a.samples().length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.samples()[r.length - 1 - i];
        }
        return new KitAudio(a.description() + ", reversed", r, a.sampleRate());
    }

    private static RecognizerOptions options(String backend, int threads) {
        return RecognizerOptions.defaults().withBackend(backend).withThreads(threads);
    }

    private static Logits run(SpeechMoeModel m, RecognizerOptions o, KitAudio a) {
        try (Recognizer r = m.newRecognizer(o)) {
            return run(r, a);
        }
    }

    private static Logits run(Recognizer r, KitAudio a) {
        return r.logits(a.samples(), a.sampleRate());
    }

    /** Closes the model. */
    @Override
    public void close() {
        opened.close();
    }
}

package org.speechmoe.runtime.api;

import org.speechmoe.runtime.internal.backend.Backends;

/**
 * How a recognizer decodes. Immutable; start from {@link #defaults()} and change what you need:
 * {@code RecognizerOptions.defaults().withBeamWidth(8)}.
 *
 * @param beamWidth 1 decodes greedily (fastest); more runs CTC prefix beam search with that many prefixes
 * @param threads   threads of the matrix kernels for this recognizer
 * @param backend   the kernels: {@code auto} (the vector backend when the JVM has {@code jdk.incubator.vector}),
 *                  {@code vector} or {@code scalar} (the plain-Java specification, for checking results)
 * @param device    where the routed experts run: {@code cpu} (the backend above), or {@code gpu} (offloaded through
 *                  the TornadoVM module, which must be on the class path; the rest of the graph stays on the CPU)
 */
public record RecognizerOptions(int beamWidth, int threads, String backend, String device) {
    /** Greedy decoding. */
    public static final int DEFAULT_BEAM_WIDTH = 1;
    /** The backend choice that takes the vector backend when the JVM can run it. */
    public static final String AUTO = "auto";
    /** The device that runs everything on the CPU. */
    public static final String CPU = "cpu";
    /** The device that runs the routed experts on a GPU through the offload SPI. */
    public static final String GPU = "gpu";

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException when a value is out of range or unknown (the message names it)
     * @throws NullPointerException     when {@code backend} or {@code device} is null
     */
    public RecognizerOptions {
        if (beamWidth < 1) {
            throw new IllegalArgumentException("beam width must be at least 1, got " + beamWidth);
        }
        Backends.requireThreads(threads);
        if (!backend.equals(AUTO) && !backend.equals("vector") && !backend.equals("scalar")) {
            throw new IllegalArgumentException("backend must be auto, vector or scalar, got " + backend);
        }
        if (!device.equals(CPU) && !device.equals(GPU)) {
            throw new IllegalArgumentException("device must be cpu or gpu, got " + device);
        }
    }

    /**
     * Greedy decoding on every available processor, everything on the CPU.
     *
     * @return the default options
     */
    public static RecognizerOptions defaults() {
        return new RecognizerOptions(DEFAULT_BEAM_WIDTH, Runtime.getRuntime().availableProcessors(), AUTO, CPU);
    }

    /**
     * Spends {@link #threads()} on {@code inputs} independent inputs: see {@link ParallelPlan}.
     *
     * @param inputs how many inputs (files, requests) will be recognized side by side
     * @return how many recognizers to run and the options of each
     * @throws IllegalArgumentException when {@code inputs} is below 1
     */
    public ParallelPlan planFor(int inputs) {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be at least 1, got " + inputs);
        }
        int recognizers = Math.min(threads, inputs);
        return new ParallelPlan(recognizers, withThreads(Math.max(1, threads / recognizers)));
    }

    /**
     * These options with another beam width.
     *
     * @param beamWidth 1 for greedy decoding, more for prefix beam search
     * @return new options
     * @throws IllegalArgumentException when it is below 1
     */
    public RecognizerOptions withBeamWidth(int beamWidth) {
        return new RecognizerOptions(beamWidth, threads, backend, device);
    }

    /**
     * These options with another thread count.
     *
     * @param threads threads of the matrix kernels
     * @return new options
     * @throws IllegalArgumentException when it is below 1
     */
    public RecognizerOptions withThreads(int threads) {
        return new RecognizerOptions(beamWidth, threads, backend, device);
    }

    /**
     * These options with another backend.
     *
     * @param backend {@code auto}, {@code vector} or {@code scalar}
     * @return new options
     * @throws IllegalArgumentException when it is none of those
     */
    public RecognizerOptions withBackend(String backend) {
        return new RecognizerOptions(beamWidth, threads, backend, device);
    }

    /**
     * These options with another device for the routed experts.
     *
     * @param device {@code cpu} or {@code gpu}
     * @return new options
     * @throws IllegalArgumentException when it is neither
     */
    public RecognizerOptions withDevice(String device) {
        return new RecognizerOptions(beamWidth, threads, backend, device);
    }
}

package org.speechmoe.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.speechmoe.runtime.api.Logits;

/**
 * What one MoE layer's router did over the frames added so far (one recording's, or several): how many frames each
 * expert took, how evenly (the usage entropy, and the balance 3m-asr's importance loss trains for:
 * {@code E · Σ_j mean_t(p_tj)²} over the router's whole softmax, 1 when every expert gets the same mean probability,
 * E when one gets it all), how sure the router was (the mean gate and a histogram of gates over [1/E, 1]), and how
 * often neighbouring frames of a recording go to different experts. An expert no frame chose is dead; one that took
 * more than twice a balanced share of the frames is overloaded.
 */
final class LayerRouting {
    static final int GATE_BINS = 10;

    private final int layer;
    private final int experts;
    private long frames;
    private final long[] framesPerExpert;
    private final double[] probabilitySum;
    private double gateSum;
    private final long[] gateHistogram = new long[GATE_BINS];
    private long switches;
    private long neighbours;
    /** Frames compared with chunked decoding of a causal model, and of those the ones routed alike. */
    private long compared;
    private long agreeing;

    LayerRouting(int layer, int experts) {
        this.layer = layer;
        this.experts = experts;
        framesPerExpert = new long[experts];
        probabilitySum = new double[experts];
    }

    /** The routing of every MoE layer of one recording. */
    static List<LayerRouting> of(Logits logits) {
        List<LayerRouting> layers = new ArrayList<>();
        for (int b = 0; b < logits.blocks(); b++) {
            LayerRouting l = new LayerRouting(b, logits.experts());
            l.addRecording(logits, b);
            layers.add(l);
        }
        return layers;
    }

    private void addRecording(Logits logits, int block) {
        int t0 = block * logits.frames();
        double lowest = 1.0 / experts;
        for (int t = 0; t < logits.frames(); t++) {
            int e = logits.routes()[t0 + t];
            framesPerExpert[e]++;
            float gate = logits.gates()[t0 + t];
            gateSum += gate;
            int bin = (int) ((gate - lowest) / (1 - lowest) * GATE_BINS);
            gateHistogram[Math.clamp(bin, 0, GATE_BINS - 1)]++;
            for (int j = 0; j < experts; j++) {
                probabilitySum[j] += logits.routerProbabilities()[(t0 + t) * experts + j];
            }
            if (t > 0) {
                neighbours++;
                if (e != logits.routes()[t0 + t - 1]) {
                    switches++;
                }
            }
        }
        frames += logits.frames();
    }

    /** Adds another's frames (the same layer of another recording). */
    void add(LayerRouting other) {
        frames += other.frames;
        for (int j = 0; j < experts; j++) {
            framesPerExpert[j] += other.framesPerExpert[j];
            probabilitySum[j] += other.probabilitySum[j];
        }
        gateSum += other.gateSum;
        for (int i = 0; i < GATE_BINS; i++) {
            gateHistogram[i] += other.gateHistogram[i];
        }
        switches += other.switches;
        neighbours += other.neighbours;
        compared += other.compared;
        agreeing += other.agreeing;
    }

    /**
     * Compares this layer's routes in a full-context pass with those of chunk-by-chunk decoding of the same recording
     * ({@code chunked}, the logits of a causal model's chunked pass).
     */
    void compareChunked(Logits full, Logits chunked) {
        int n = Math.min(full.frames(), chunked.frames());
        for (int t = 0; t < n; t++) {
            compared++;
            agreeing += full.routes()[layer * full.frames() + t] == chunked.routes()[layer * chunked.frames() + t]
                    ? 1 : 0;
        }
    }

    /** The share of frames routed alike in full-context and chunked decoding; NaN when none was compared. */
    double chunkedAgreement() {
        return compared == 0 ? Double.NaN : (double) agreeing / compared;
    }

    int layer() {
        return layer;
    }

    int experts() {
        return experts;
    }

    long frames() {
        return frames;
    }

    long[] framesPerExpert() {
        return framesPerExpert.clone();
    }

    long[] gateHistogram() {
        return gateHistogram.clone();
    }

    /** An empty layer to add recordings' layers to. */
    LayerRouting emptyCopy() {
        return new LayerRouting(layer, experts);
    }

    /** Bits; {@code log2 E} when every expert takes as many frames. */
    double entropy() {
        double h = 0;
        for (long n : framesPerExpert) {
            if (n > 0) {
                double p = (double) n / frames;
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        return h;
    }

    double balance() {
        double sum = 0;
        for (double s : probabilitySum) {
            double mean = s / frames;
            sum += mean * mean;
        }
        return frames == 0 ? 0 : experts * sum;
    }

    double meanGate() {
        return frames == 0 ? 0 : gateSum / frames;
    }

    double switchRate() {
        return neighbours == 0 ? 0 : (double) switches / neighbours;
    }

    List<Integer> dead() {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < experts; j++) {
            if (framesPerExpert[j] == 0) {
                out.add(j);
            }
        }
        return out;
    }

    List<Integer> overloaded() {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < experts; j++) {
            if (framesPerExpert[j] * experts > 2 * frames) {
                out.add(j);
            }
        }
        return out;
    }

    ObjectNode json() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("layer", layer);
        ArrayNode perExpert = o.putArray("frames_per_expert");
        for (long n : framesPerExpert) {
            perExpert.add(n);
        }
        o.put("entropy", TranscriptJson.round(entropy(), 1e4));
        o.put("balance", TranscriptJson.round(balance(), 1e4));
        o.put("mean_gate", TranscriptJson.round(meanGate(), 1e4));
        o.put("switch_rate", TranscriptJson.round(switchRate(), 1e4));
        dead().forEach(o.putArray("dead_experts")::add);
        overloaded().forEach(o.putArray("overloaded_experts")::add);
        ArrayNode histogram = o.putArray("gate_histogram");
        for (long n : gateHistogram) {
            histogram.add(n);
        }
        if (compared > 0) {
            o.put("chunked_agreement", TranscriptJson.round(chunkedAgreement(), 1e4));
        }
        return o;
    }

    String text() {
        StringBuilder counts = new StringBuilder();
        for (long n : framesPerExpert) {
            counts.append(counts.isEmpty() ? "" : " ").append(n);
        }
        StringBuilder histogram = new StringBuilder();
        for (long n : gateHistogram) {
            histogram.append(histogram.isEmpty() ? "" : " ").append(n);
        }
        return String.format(Locale.ROOT, "  layer %d: frames per expert [%s]  entropy %.2f of %.2f bits  balance %.3f"
                + "  mean gate %.3f  switch rate %.3f  dead %s  overloaded %s%n    gates in %d bins from 1/%d to 1: %s",
                layer, counts, entropy(), Math.log(experts) / Math.log(2), balance(), meanGate(), switchRate(),
                dead().isEmpty() ? "-" : dead(), overloaded().isEmpty() ? "-" : overloaded(), GATE_BINS, experts,
                histogram) + (compared == 0 ? "" : String.format(Locale.ROOT,
                "%n    routes as in chunked decoding: %.1f %% of %d frames", 100 * chunkedAgreement(), compared));
    }
}

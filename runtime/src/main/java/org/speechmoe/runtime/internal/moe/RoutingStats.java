package org.speechmoe.runtime.internal.moe;

/**
 * How one MoE layer routed an utterance: frames per expert and the mean gate (1 means the router was certain; 1/E
 * that it could not tell the experts apart).
 */
public record RoutingStats(int[] framesPerExpert, double meanGate) {
    public static RoutingStats of(Routing routing) {
        int[] counts = new int[routing.numExperts()];
        double gates = 0;
        for (int t = 0; t < routing.frames(); t++) {
            counts[routing.experts()[t]]++;
            gates += routing.gates()[t];
        }
        return new RoutingStats(counts, routing.frames() == 0 ? 0 : gates / routing.frames());
    }

    /** The statistics of both utterances together, as if they were one (the mean gate weighted by frames). */
    public RoutingStats plus(RoutingStats other) {
        int[] counts = framesPerExpert.clone();
        int frames = 0;
        int otherFrames = 0;
        for (int e = 0; e < counts.length; e++) {
            frames += counts[e];
            otherFrames += other.framesPerExpert[e];
            counts[e] += other.framesPerExpert[e];
        }
        int all = frames + otherFrames;
        return new RoutingStats(counts, all == 0 ? 0 : (meanGate * frames + other.meanGate * otherFrames) / all);
    }

    public int activeExperts() {
        int n = 0;
        for (int c : framesPerExpert) {
            n += c > 0 ? 1 : 0;
        }
        return n;
    }
}

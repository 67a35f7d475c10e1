package org.speechmoe.testkit;

import org.speechmoe.format.DType;

/**
 * How far two computations of the same model on the same audio may differ when they add the same products in
 * another order (another backend, thread split, or expert labelling): gates absolutely, log-probabilities as
 * {@code |a - b| / (1 + |a|)}; and how close a router's two most probable experts must be for a differing route to be
 * a legitimate tie rather than a bug. Chosen per type of the experts' weights from measurements (docs/ROUTING.md,
 * "Tolerances").
 *
 * @param gate      the largest allowed gate difference
 * @param logProb   the largest allowed relative log-probability difference
 * @param tieMargin a reference frame whose two best experts are closer than this may be routed either way
 */
public record Tolerance(double gate, double logProb, double tieMargin) {
    /**
     * The tolerance for a model whose experts are stored as {@code dtype}.
     *
     * @param dtype the experts' stored type
     * @return its tolerance
     */
    public static Tolerance of(DType dtype) {
        return switch (dtype) {
            case F32, F16, BF16, Q8 -> new Tolerance(1e-4, 1e-4, 1e-3);
        };
    }
}

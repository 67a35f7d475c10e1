package org.speechmoe.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * What one or more checks found: the violations, and notes on what was not checked or could not be compared (no GPU,
 * a near tie between two experts).
 *
 * @param violations   what breaks an invariant
 * @param notes        what was left out, and why
 * @param inconclusive whether a comparison could not be made (a near tie made the routes legitimately differ)
 * @param differences  the largest differences each comparison measured, for choosing tolerances
 */
public record Findings(List<Violation> violations, List<String> notes, boolean inconclusive,
                       List<Difference> differences) {
    /**
     * The largest differences one comparison found between two runs whose routes agreed.
     *
     * @param check   the comparison
     * @param gate    the largest gate difference
     * @param logProb the largest {@code |a - b| / (1 + |a|)} over the log-probabilities
     */
    public record Difference(String check, double gate, double logProb) {
    }

    /** Copies the lists. */
    public Findings {
        violations = List.copyOf(violations);
        notes = List.copyOf(notes);
        differences = List.copyOf(differences);
    }

    static Findings none() {
        return of(List.of());
    }

    static Findings of(List<Violation> violations) {
        return new Findings(violations, List.of(), false, List.of());
    }

    static Findings notes(List<String> notes) {
        return new Findings(List.of(), notes, false, List.of());
    }

    /**
     * These findings and {@code other}'s.
     *
     * @param other more findings
     * @return both together
     */
    public Findings and(Findings other) {
        List<Violation> v = new ArrayList<>(violations);
        v.addAll(other.violations);
        List<String> n = new ArrayList<>(notes);
        n.addAll(other.notes);
        List<Difference> d = new ArrayList<>(differences);
        d.addAll(other.differences);
        return new Findings(v, n, inconclusive || other.inconclusive, d);
    }

    /**
     * Whether no invariant broke.
     *
     * @return true when there are no violations
     */
    public boolean passed() {
        return violations.isEmpty();
    }

    /**
     * The violations, one a line, then the notes.
     *
     * @return a report for a person
     */
    public String report() {
        StringBuilder s = new StringBuilder();
        violations.forEach(v -> s.append(v).append('\n'));
        notes.forEach(n -> s.append("note: ").append(n).append('\n'));
        return s.toString();
    }
}

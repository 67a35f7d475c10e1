package org.speechmoe.testkit;

import java.util.Locale;

/**
 * One place where a routing invariant does not hold: which check, the MoE layer and output frame where it shows
 * (-1 when it is not tied to one), and the values that break it.
 *
 * @param check  the check's name, as {@link RoutingChecks} lists them
 * @param input  the audio it was seen on
 * @param layer  the MoE layer (0 = the first MoE block of the main encoder), or -1
 * @param frame  the output frame (40 ms each), or -1
 * @param detail the values that break the invariant, in words
 */
public record Violation(String check, String input, int layer, int frame, String detail) {
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(check).append(" on ").append(input);
        if (layer >= 0) {
            s.append(String.format(Locale.ROOT, ", layer %d", layer));
        }
        if (frame >= 0) {
            s.append(String.format(Locale.ROOT, ", frame %d", frame));
        }
        return s.append(": ").append(detail).toString();
    }
}

package org.speechmoe.runtime.internal.backend.vector;

import java.util.List;
import java.util.stream.Collectors;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.speechmoe.runtime.spi.BackendUnavailableException;

/**
 * The float species every vector kernel runs on: {@link FloatVector#SPECIES_PREFERRED}, or the width that
 * {@code -Dspeechmoe.vectorBits=128|256|512} names, to measure or test the kernels at a narrower width than the
 * machine's. Read once, when the class initialises: the kernels hold it in static finals, which C2 folds as
 * constants.
 *
 * <p>A value that is not one of those widths, or a width above the machine's ({@link VectorShape#preferredShape}),
 * does not stop the class from initialising (the kernels then keep the preferred species): instead
 * {@link VectorBackend}'s constructor refuses with a {@link BackendUnavailableException} whose one-line message
 * names the property and the widths this machine takes, and {@code Backends} passes it on as it is. Tests run at a
 * width the machine lacks skip rather than fail ({@link #requestedTooWide}).
 */
final class VectorWidth {
    static final String PROPERTY = "speechmoe.vectorBits";
    private static final List<Integer> WIDTHS = List.of(128, 256, 512);
    /** The width of this machine's widest float vectors, in bits. */
    static final int MACHINE_BITS = VectorShape.preferredShape().vectorBitSize();
    /** The property's value, null when it is not set; blank counts as not set. */
    static final String REQUESTED = System.getProperty(PROPERTY);
    /** Why the requested width cannot run here, as one line for a user; null when it can. */
    static final String PROBLEM = problem(REQUESTED, MACHINE_BITS);
    static final VectorSpecies<Float> FLOATS = PROBLEM == null && bits(REQUESTED) > 0
            ? VectorSpecies.of(float.class, VectorShape.forBitSize(bits(REQUESTED)))
            : FloatVector.SPECIES_PREFERRED;

    private VectorWidth() {
    }

    /** Throws the {@link #PROBLEM} of the requested width, if any. */
    static void check() {
        if (PROBLEM != null) {
            throw new BackendUnavailableException(PROBLEM);
        }
    }

    /** Whether the property names a valid width that this machine's vectors are too narrow for. */
    static boolean requestedTooWide() {
        return bits(REQUESTED) > MACHINE_BITS;
    }

    /** Why {@code value} cannot be the vector width on a machine of {@code machineBits}; null when it can. */
    static String problem(String value, int machineBits) {
        int bits = bits(value);
        if (bits == 0) {
            return null;
        }
        if (bits < 0) {
            return "-D" + PROPERTY + "=" + value + " is not a vector width: expected 128, 256 or 512 (bits)";
        }
        if (bits > machineBits) {
            String allowed = WIDTHS.stream().filter(w -> w <= machineBits).map(String::valueOf)
                    .collect(Collectors.joining(" or "));
            return "-D" + PROPERTY + "=" + value + " is wider than this machine's " + machineBits + "-bit vectors: "
                    + (allowed.isEmpty() ? "leave it unset" : "use " + allowed + ", or leave it unset");
        }
        return null;
    }

    /** The width {@code value} names: 0 when unset, -1 when it is not one of 128, 256 and 512. */
    private static int bits(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        return switch (value.strip()) {
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> -1;
        };
    }
}

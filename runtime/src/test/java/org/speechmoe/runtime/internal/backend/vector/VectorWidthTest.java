package org.speechmoe.runtime.internal.backend.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.speechmoe.runtime.spi.BackendUnavailableException;

/**
 * {@code -Dspeechmoe.vectorBits} sets the width every kernel runs at. The test executions at 128 and 256 bits run this
 * too, so that they cannot silently run at the machine's width.
 */
class VectorWidthTest {
    @Test
    void theBackendRunsAtTheRequestedWidthOrRefusesIt() {
        if (VectorWidth.requestedTooWide()) {
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> new VectorBackend(1));
            assertTrue(e.getMessage().contains(VectorWidth.PROPERTY), e.getMessage());
            return;
        }
        String requested = System.getProperty(VectorWidth.PROPERTY);
        int bits = requested == null || requested.isBlank() ? FloatVector.SPECIES_PREFERRED.vectorBitSize()
                : Integer.parseInt(requested.strip());
        assertEquals(bits, VectorWidth.FLOATS.vectorBitSize());
        assertEquals(bits / Float.SIZE, VectorBackend.vectorLength());
        assertEquals(2, new VectorBackend(2).threads());
    }

    @Test
    void unsetOrBlankMeansTheMachinesWidth() {
        assertNull(VectorWidth.problem(null, 512));
        assertNull(VectorWidth.problem(" ", 256));
        assertNull(VectorWidth.problem("128", 128));
        assertNull(VectorWidth.problem(" 256 ", 512));
    }

    @Test
    void otherValuesAreRefusedInOneLineNamingThePropertyAndTheWidths() {
        for (String value : new String[] {"384", "1024", "avx2", "-256", "0x100"}) {
            String problem = VectorWidth.problem(value, 512);
            assertEquals("-Dspeechmoe.vectorBits=" + value + " is not a vector width: expected 128, 256 or 512 (bits)",
                    problem);
        }
        assertEquals("-Dspeechmoe.vectorBits=512 is wider than this machine's 256-bit vectors: use 128 or 256, or "
                + "leave it unset", VectorWidth.problem("512", 256));
        assertEquals("-Dspeechmoe.vectorBits=256 is wider than this machine's 128-bit vectors: use 128, or leave it "
                + "unset", VectorWidth.problem("256", 128));
        assertEquals("-Dspeechmoe.vectorBits=128 is wider than this machine's 64-bit vectors: leave it unset",
                VectorWidth.problem("128", 64));
    }
}

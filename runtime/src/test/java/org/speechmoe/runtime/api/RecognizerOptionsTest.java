package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecognizerOptionsTest {
    @Test
    void aThreadBudgetGoesToOneRecognizerPerInputUntilItRunsOut() {
        RecognizerOptions eight = RecognizerOptions.defaults().withThreads(8).withBeamWidth(4);
        assertEquals(new ParallelPlan(1, eight), eight.planFor(1));
        assertEquals(new ParallelPlan(3, eight.withThreads(2)), eight.planFor(3));
        assertEquals(new ParallelPlan(8, eight.withThreads(1)), eight.planFor(100));
        assertEquals(4, eight.planFor(3).each().beamWidth(), "the other options stay");
        assertThrows(IllegalArgumentException.class, () -> eight.planFor(0));
    }

    @Test
    void aThreadCountBelowOneIsRefusedWithTheSameMessageEverywhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecognizerOptions.defaults().withThreads(0));
        assertTrue(e.getMessage().startsWith("threads must be at least 1"), e.getMessage());
    }
}

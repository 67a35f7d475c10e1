package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorRatesTest {
    @Test
    void textsAreComparedAfterNormalization() {
        assertEquals("it's a test 42", ErrorRates.normalize("  It’s   a TEST, 42!  "));
        assertEquals("", ErrorRates.normalize("?!"));
    }

    @Test
    void editDistanceCountsSubstitutionsInsertionsAndDeletions() {
        assertEquals(3, ErrorRates.distance(List.of('k', 'i', 't', 't', 'e', 'n'),
                List.of('s', 'i', 't', 't', 'i', 'n', 'g')));
        assertEquals(2, ErrorRates.distance(List.of("a", "b"), List.of()));
        assertEquals(1, ErrorRates.distance(List.of(), List.of("x")));
    }

    @Test
    void ratesAreCorpusLevel() {
        ErrorRates.Tally t = new ErrorRates.Tally();
        t.add("the cat sat", "the cat sat");
        t.add("a dog", "a fog");
        assertEquals(1.0 / 5, t.wer(), 1e-12);
        assertEquals(1.0 / 16, t.cer(), 1e-12);
    }
}

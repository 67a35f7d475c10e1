package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EndpointRulesTest {
    private final EndpointRules rules = new EndpointRules(2.4, 1.2, 20);
    private final FrameTiming timing = new FrameTiming(0.01, 0.025, 4, 7);

    @Test
    void theFirstRuleThatHoldsEndsTheUtterance() {
        assertNull(rules.check(2.3, EndpointRules.NO_SPEECH));
        assertEquals(EndpointRules.Rule.SILENCE_WITHOUT_SPEECH, rules.check(2.4, EndpointRules.NO_SPEECH));
        assertNull(rules.check(3.0, 2.0));
        assertEquals(EndpointRules.Rule.SILENCE_AFTER_SPEECH, rules.check(3.2, 2.0));
        assertEquals(EndpointRules.Rule.MAX_LENGTH, rules.check(20, 19.9));
        assertEquals(2.4, rules.firing(EndpointRules.NO_SPEECH));
        assertEquals(3.2, rules.firing(2.0), 1e-12);
        assertEquals(20, rules.firing(19.5));
        assertThrows(IllegalArgumentException.class, () -> new EndpointRules(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EndpointRules(1, Double.NaN, 1));
    }

    @Test
    void speechEndsWithTheLastHeardFrameThatIsNotBlank() {
        // frames: blank, token 1, blank, token 2, blank
        float[] v = new float[5 * 3];
        int[] best = {0, 1, 0, 2, 0};
        for (int t = 0; t < 5; t++) {
            for (int k = 0; k < 3; k++) {
                v[t * 3 + k] = k == best[t] ? -0.1f : -3f;
            }
        }
        LogProbs lp = new LogProbs(v, 5, 3);
        assertEquals(timing.end(3, 1.0), EndpointRules.speechEnd(lp, timing, 1.0, t -> true));
        assertEquals(timing.end(1, 1.0), EndpointRules.speechEnd(lp, timing, 1.0, t -> t != 3));
        assertEquals(EndpointRules.NO_SPEECH, EndpointRules.speechEnd(lp, timing, 1.0, t -> false));
    }
}

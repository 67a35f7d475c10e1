package org.speechmoe.runtime.internal.decoder;



/**
 * CTC log-probabilities of one utterance: {@code values[t * vocab + v] = log P(token v | output frame t)}, each row a
 * log-softmax. Token {@link #BLANK} is the CTC blank.
 */
public record LogProbs(float[] values, int frames, int vocab) {
    public static final int BLANK = 0;

    public LogProbs {
        if (frames < 0 || vocab < 1) {
            throw new IllegalArgumentException("need frames >= 0 and vocab >= 1, got " + frames + " x " + vocab);
        }
        if (values.length != (long) frames * vocab) {
            throw new IllegalArgumentException(values.length + " values for " + frames + " frames x " + vocab
                    + " tokens");
        }
    }

    public float get(int frame, int token) {
        return values[frame * vocab + token];
    }
}

package org.speechmoe.runtime.api;

import java.util.Objects;

/**
 * How {@link SpeechMoeModel#open(java.nio.file.Path, ModelOptions)} opens a model. Immutable; {@link #defaults()}
 * checks every tensor's checksum before its first use.
 *
 * @param verification when the tensors' CRC32C checksums are checked (the header's is always checked)
 */
public record ModelOptions(Verification verification) {
    /** When the checksums of the tensors are checked. A damaged tensor is refused with a message naming it. */
    public enum Verification {
        /**
         * The small vectors (norms, biases, routers, CMVN) when the model opens, as they are read then; the weight
         * matrices once per model, before the first pass of its first recognizer, so that opening stays fast and reads
         * no more than the header. A damaged matrix then fails that pass, and every later one, with an
         * {@link java.io.UncheckedIOException} around the {@link org.speechmoe.format.ModelFormatException} (an
         * {@code IOException} from the methods that declare one).
         */
        FIRST_USE,
        /** Every tensor when the model opens: the open reads the whole file and refuses a damaged one. */
        AT_OPEN,
        /** None: for a file checked before (e.g. {@code SmoeFile.verifyAll}) that cannot have changed since. */
        OFF
    }

    /**
     * Checks the options.
     *
     * @throws NullPointerException when {@code verification} is null
     */
    public ModelOptions {
        Objects.requireNonNull(verification, "verification");
    }

    /**
     * Checksums checked before first use ({@link Verification#FIRST_USE}).
     *
     * @return the default options
     */
    public static ModelOptions defaults() {
        return new ModelOptions(Verification.FIRST_USE);
    }

    /**
     * These options with another verification.
     *
     * @param v when the tensors' checksums are checked
     * @return new options
     */
    public ModelOptions withVerification(Verification v) {
        return new ModelOptions(v);
    }
}

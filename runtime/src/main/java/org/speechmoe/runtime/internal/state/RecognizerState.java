package org.speechmoe.runtime.internal.state;

import java.util.Arrays;

/**
 * Every array one recognizer writes while it runs, declared here with its shape: the model's layers are shared and
 * immutable, so whatever a pass leaves behind lives in the state of the recognizer that ran it. A state belongs to one
 * recognizer and is used by one thread at a time. The streaming caches (attention keys and values per block, the
 * convolution's left context, the subsampling's overlap, the decoder's hypotheses) belong here too.
 *
 * <p>Scratch arrays are reused from block to block: allocating a new set per block made the JVM zero the activations
 * of every block anew and evicted the weights from the caches. Each keeps the arrays of its two most recent sizes (the
 * embedding network and the encoder differ in width). {@link #release()} drops them at the end of a pass, so that an
 * idle recognizer holds none. Their contents are whatever the previous user left: callers write every element they
 * read, and a buffer belongs to one call site that is never re-entered while it uses the array.
 *
 * <p>Shapes: {@code frames} output frames of the pass, {@code d} the stack's width ({@code attention_dim}),
 * {@code d_e} the embedding width, {@code hidden} a dense FFN's width, {@code chunk} the subsampling's output frames
 * per step, {@code f1 = (bins - 1) / 2} and {@code f2 = (f1 - 1) / 2} its frequency bins after each convolution.
 */
public final class RecognizerState {
    // a Conformer block
    /** (frames, d): the normalized input of the sublayer being computed. */
    public final Scratch normed = new Scratch();
    /** (frames, d): attention queries. */
    public final Scratch queries = new Scratch();
    /** (frames, d): attention keys. */
    public final Scratch keys = new Scratch();
    /** (frames, d): attention values. */
    public final Scratch values = new Scratch();
    /** (frames, d): the position table projected by {@code linear_pos}. */
    public final Scratch positions = new Scratch();
    /** (frames, d): the heads' outputs side by side, before {@code linear_out}. */
    public final Scratch context = new Scratch();
    /** (chunk frames, d): one stream's queries, when a pass stacks the chunks of several streams. */
    public final Scratch streamQueries = new Scratch();
    /** (chunk frames, d): one stream's attention output, when a pass stacks the chunks of several streams. */
    public final Scratch streamContext = new Scratch();
    /** (frames, hidden): a dense feed-forward module's hidden layer. */
    public final Scratch feedForwardHidden = new Scratch();
    /** (frames, 2·d): the convolution module's first pointwise convolution. */
    public final Scratch convolutionPointwise = new Scratch();
    /** (frames, d): its gated linear unit. */
    public final Scratch convolutionGated = new Scratch();
    /** (kernel - 1 + frames, d): a causal module's gated rows after its left context. */
    public final Scratch convolutionPadded = new Scratch();
    /** (frames, d): its depthwise convolution, normalized and activated in place. */
    public final Scratch convolutionDepthwise = new Scratch();
    /** (kernel - 1 + chunk frames, d): a causal module's depthwise convolution over one stream's padded rows. */
    public final Scratch convolutionWindow = new Scratch();
    /** (frames, d_e + d): the router's input, each frame's embedding followed by the block's normalized input. */
    public final Scratch routerInput = new Scratch();
    /** (frames, d): the experts' outputs in gathered (by expert) order. */
    public final Scratch expertOutput = new Scratch();

    // the subsampling, one chunk of output frames at a time
    /** (2·chunk + 1, f1, 9): the first convolution's im2col patches. */
    public final Scratch subsamplingPatches1 = new Scratch();
    /** (2·chunk + 1, f1, d): the first convolution's output. */
    public final Scratch subsamplingConv1 = new Scratch();
    /** (chunk, f2, 9·d): the second convolution's patches, tap-major. */
    public final Scratch subsamplingPatches2 = new Scratch();
    /** (chunk, f2, d): the second convolution's output. */
    public final Scratch subsamplingConv2 = new Scratch();
    /** (chunks per output linear · chunk, d·f2): output frames flattened channel-major for the output linear. */
    public final Scratch subsamplingFlat = new Scratch();

    private final Scratch[] all = {normed, queries, keys, values, positions, context, streamQueries, streamContext,
        feedForwardHidden, convolutionPointwise, convolutionGated, convolutionPadded, convolutionDepthwise,
        convolutionWindow, routerInput, expertOutput, subsamplingPatches1,
        subsamplingConv1, subsamplingPatches2, subsamplingConv2, subsamplingFlat};
    /** Tests: every array handed out is filled with NaN first, so that a read before a write shows. */
    private boolean poison;

    /** Drops every scratch array (the end of a pass). */
    public void release() {
        for (Scratch s : all) {
            s.recent = null;
            s.older = null;
        }
    }

    /** Tests: fill every array handed out with NaN, so that a read before a write shows. */
    public void poison(boolean on) {
        poison = on;
    }

    /** One scratch buffer of this state: the arrays of its two most recent sizes. */
    public final class Scratch {
        private float[] recent;
        private float[] older;

        private Scratch() {
        }

        /** An array of exactly {@code n} floats; its contents are undefined. */
        public float[] floats(int n) {
            float[] array;
            if (recent != null && recent.length == n) {
                array = recent;
            } else {
                array = older != null && older.length == n ? older : new float[n];
                older = recent;
                recent = array;
            }
            if (poison) {
                Arrays.fill(array, Float.NaN);
            }
            return array;
        }
    }
}

package org.speechmoe.format.graph;

/**
 * Hyper-parameters of one Conformer encoder: the main one, or the shared embedding network.
 *
 * @param ffnUnits  hidden width of the dense feed-forward modules (the main encoder's macaron FFN uses the
 *                  experts' {@code hidden_units}, the embedding network its {@code linear_units})
 * @param streaming causal convolution and chunk training
 */
public record EncoderConfig(int attentionDim, int attentionHeads, int numBlocks, Activation activation,
                            boolean macaronStyle, boolean useCnnModule, int cnnModuleKernel, ConvNorm cnnModuleNorm,
                            int ffnUnits, StreamingConfig streaming) {

    /** A full-context encoder. */
    public EncoderConfig(int attentionDim, int attentionHeads, int numBlocks, Activation activation,
                         boolean macaronStyle, boolean useCnnModule, int cnnModuleKernel, ConvNorm cnnModuleNorm,
                         int ffnUnits) {
        this(attentionDim, attentionHeads, numBlocks, activation, macaronStyle, useCnnModule, cnnModuleKernel,
                cnnModuleNorm, ffnUnits, StreamingConfig.FULL_CONTEXT);
    }

    /** The feed-forward activation, as 3m-asr names it in {@code activation_type}. */
    public enum Activation {
        SWISH("swish"), RELU("relu");

        public final String label;

        Activation(String label) {
            this.label = label;
        }

        public static Activation fromLabel(String s) {
            for (Activation a : values()) {
                if (a.label.equals(s)) {
                    return a;
                }
            }
            return null;
        }
    }

    /** The convolution module's norm, as in {@code cnn_module_norm}. */
    public enum ConvNorm {
        BATCH_NORM("batch_norm"), LAYER_NORM("layer_norm");

        public final String label;

        ConvNorm(String label) {
            this.label = label;
        }

        public static ConvNorm fromLabel(String s) {
            for (ConvNorm n : values()) {
                if (n.label.equals(s)) {
                    return n;
                }
            }
            return null;
        }
    }

    public EncoderConfig {
        require(attentionDim > 0 && attentionHeads > 0 && attentionDim % attentionHeads == 0,
                "attention_dim " + attentionDim + " must be a positive multiple of attention_heads " + attentionHeads);
        require(numBlocks >= 0, "num_blocks must not be negative");
        require(!useCnnModule || (cnnModuleKernel > 0 && cnnModuleKernel % 2 == 1),
                "cnn_module_kernel " + cnnModuleKernel + " must be odd and positive");
        require(ffnUnits > 0, "feed-forward units must be positive");
        require(streaming != null, "streaming configuration missing");
    }

    /** Needs no future frames: its convolution modules are causal, or it has none. */
    public boolean causal() {
        return streaming.causal() || !useCnnModule;
    }

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public int headDim() {
        return attentionDim / attentionHeads;
    }

    /** 0.5 with macaron-style feed-forward halves, 1 otherwise. */
    public float ffScale() {
        return macaronStyle ? 0.5f : 1f;
    }
}

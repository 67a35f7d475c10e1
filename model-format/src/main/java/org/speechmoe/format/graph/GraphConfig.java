package org.speechmoe.format.graph;

import java.util.List;
import org.speechmoe.format.Metadata;
import org.speechmoe.format.ModelFormatException;

/**
 * Everything that shapes the SpeechMoE graph of a model: the main encoder, its experts, the shared embedding network,
 * the features and the vocabulary. It is stored as typed metadata under the keys below, written by the converter and
 * read back by the runtime; docs/FORMAT.md lists them.
 */
public record GraphConfig(EncoderConfig encoder, MoeConfig moe, EncoderConfig embed, FeatureConfig features,
                          List<String> tokens) {
    public static final String ARCHITECTURE = "speechmoe-conformer-ctc";

    public GraphConfig {
        tokens = List.copyOf(tokens);
        EncoderConfig.require(tokens.size() >= 2, "the vocabulary needs at least <blank> and one token");
        EncoderConfig.require(encoder.ffnUnits() == moe.hiddenUnits(),
                "the main encoder's macaron FFN uses the experts' hidden_units");
        EncoderConfig.require(encoder.streaming().decodingChunkSize() == 0 || (encoder.causal() && embed.causal()),
                "static_chunk_size without use_dynamic_chunk masks attention to chunks even at full-context decoding,"
                        + " which is implemented for causal models (causal: true) only");
    }

    public int vocabSize() {
        return tokens.size();
    }

    /**
     * Whether the model can be decoded chunk by chunk exactly: both the main encoder and the embedding network need
     * no future frames (causal convolution). A full-context model cannot; it needs an approximation.
     */
    public boolean streamable() {
        return encoder.causal() && embed.causal();
    }

    /**
     * The chunk size (output frames) that full-context decoding masks attention to, 0 for none: a model trained with
     * {@code static_chunk_size} alone. 3m-asr gives the embedding network the main encoder's mask.
     */
    public int decodingChunkSize() {
        return encoder.streaming().decodingChunkSize();
    }

    public Metadata toMetadata(String source) {
        Metadata.Builder b = Metadata.builder()
                .putString("general.architecture", ARCHITECTURE)
                .putString("general.source", source)
                .putLong("features.sample_rate", features.sampleRate())
                .putLong("features.num_mel_bins", features.numMelBins())
                .putDouble("features.frame_length_ms", features.frameLengthMs())
                .putDouble("features.frame_shift_ms", features.frameShiftMs());
        putEncoder(b, "encoder", encoder);
        b.putLong("moe.num_experts", moe.numExperts())
                .putLong("moe.hidden_units", moe.hiddenUnits())
                .putBoolean("moe.router_with_bias", moe.routerWithBias())
                .putBoolean("moe.keep_expert_output", moe.keepExpertOutput());
        putEncoder(b, "embed", embed);
        return b.putStringList("tokens", tokens).build();
    }

    private static void putEncoder(Metadata.Builder b, String p, EncoderConfig e) {
        b.putLong(p + ".attention_dim", e.attentionDim())
                .putLong(p + ".attention_heads", e.attentionHeads())
                .putLong(p + ".num_blocks", e.numBlocks())
                .putString(p + ".activation_type", e.activation().label)
                .putBoolean(p + ".macaron_style", e.macaronStyle())
                .putBoolean(p + ".use_cnn_module", e.useCnnModule())
                .putLong(p + ".cnn_module_kernel", e.cnnModuleKernel())
                .putString(p + ".cnn_module_norm", e.cnnModuleNorm().label)
                .putLong(p + ".ffn_units", e.ffnUnits())
                .putBoolean(p + ".causal", e.streaming().causal())
                .putBoolean(p + ".use_dynamic_chunk", e.streaming().useDynamicChunk())
                .putBoolean(p + ".use_dynamic_left_chunk", e.streaming().useDynamicLeftChunk())
                .putLong(p + ".static_chunk_size", e.streaming().staticChunkSize());
    }

    /** Reads the configuration back; a missing or mistyped key is a format error naming the key. */
    public static GraphConfig fromMetadata(Metadata m, String file) throws ModelFormatException {
        try {
            String arch = m.getString("general.architecture");
            if (!ARCHITECTURE.equals(arch)) {
                throw new ModelFormatException(file + ": architecture '" + arch + "' is not " + ARCHITECTURE);
            }
            FeatureConfig f = new FeatureConfig(ranged(m, "features.sample_rate", MIN_SAMPLE_RATE, MAX_SAMPLE_RATE),
                    ranged(m, "features.num_mel_bins", 7, MAX_MEL_BINS),
                    rangedMs(m, "features.frame_length_ms"), rangedMs(m, "features.frame_shift_ms"));
            MoeConfig moe = new MoeConfig(ranged(m, "moe.num_experts", 1, MAX_EXPERTS),
                    ranged(m, "moe.hidden_units", 1, MAX_UNITS),
                    m.getBoolean("moe.router_with_bias"), m.getBoolean("moe.keep_expert_output"));
            List<String> tokens = m.getStringList("tokens");
            if (tokens.size() > MAX_VOCABULARY) {
                throw new IllegalArgumentException("tokens: " + tokens.size() + " tokens is more than the supported "
                        + MAX_VOCABULARY);
            }
            return new GraphConfig(encoder(m, "encoder", file), moe, encoder(m, "embed", file), f, tokens);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new ModelFormatException(file + ": model metadata: " + e.getMessage());
        }
    }

    private static EncoderConfig encoder(Metadata m, String p, String file) throws ModelFormatException {
        String act = m.getString(p + ".activation_type");
        String norm = m.getString(p + ".cnn_module_norm");
        EncoderConfig.Activation a = EncoderConfig.Activation.fromLabel(act);
        EncoderConfig.ConvNorm n = EncoderConfig.ConvNorm.fromLabel(norm);
        if (a == null || n == null) {
            throw new ModelFormatException(file + ": model metadata: unknown " + (a == null
                    ? p + ".activation_type '" + act + "'" : p + ".cnn_module_norm '" + norm + "'"));
        }
        return new EncoderConfig(ranged(m, p + ".attention_dim", 1, MAX_ATTENTION_DIM),
                ranged(m, p + ".attention_heads", 1, MAX_HEADS), ranged(m, p + ".num_blocks", 0, MAX_BLOCKS), a,
                m.getBoolean(p + ".macaron_style"), m.getBoolean(p + ".use_cnn_module"),
                ranged(m, p + ".cnn_module_kernel", 1, MAX_KERNEL), n, ranged(m, p + ".ffn_units", 1, MAX_UNITS),
                streaming(m, p));
    }

    /** Files written before the streaming keys existed hold full-context models: the keys default to that. */
    private static StreamingConfig streaming(Metadata m, String p) {
        return new StreamingConfig(flag(m, p + ".causal"), flag(m, p + ".use_dynamic_chunk"),
                flag(m, p + ".use_dynamic_left_chunk"),
                m.contains(p + ".static_chunk_size") ? ranged(m, p + ".static_chunk_size", 0, MAX_CHUNK) : 0);
    }

    private static boolean flag(Metadata m, String key) {
        return m.contains(key) && m.getBoolean(key);
    }

    /*
     * The ranges a readable model's hyper-parameters must lie in (docs/FORMAT.md): generous, far beyond published
     * models, but finite, so that absurd values are refused at open, naming the key, instead of becoming allocations.
     */
    static final int MIN_SAMPLE_RATE = 1_000;
    static final int MAX_SAMPLE_RATE = 384_000;
    static final int MAX_MEL_BINS = 1_024;
    static final double MIN_FRAME_MS = 1;
    static final double MAX_FRAME_MS = 1_000;
    static final int MAX_ATTENTION_DIM = 8_192;
    static final int MAX_HEADS = 128;
    static final int MAX_BLOCKS = 128;
    static final int MAX_KERNEL = 255;
    static final int MAX_CHUNK = 65_536;
    static final int MAX_UNITS = 65_536;
    static final int MAX_EXPERTS = 1_024;
    static final int MAX_VOCABULARY = 1 << 20;

    private static int ranged(Metadata m, String key, int min, int max) {
        long v = m.getLong(key);
        if (v < min || v > max) {
            throw new IllegalArgumentException(key + " = " + v + " is outside the supported range " + min + ".." + max);
        }
        return (int) v;
    }

    private static double rangedMs(Metadata m, String key) {
        double v = m.getDouble(key);
        if (!(v >= MIN_FRAME_MS && v <= MAX_FRAME_MS)) {
            throw new IllegalArgumentException(key + " = " + v + " is outside the supported range " + MIN_FRAME_MS
                    + ".." + MAX_FRAME_MS + " ms");
        }
        return v;
    }
}

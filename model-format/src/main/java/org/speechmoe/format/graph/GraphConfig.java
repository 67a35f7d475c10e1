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
    }

    public int vocabSize() {
        return tokens.size();
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
                .putLong(p + ".ffn_units", e.ffnUnits());
    }

    /** Reads the configuration back; a missing or mistyped key is a format error naming the key. */
    public static GraphConfig fromMetadata(Metadata m, String file) throws ModelFormatException {
        try {
            String arch = m.getString("general.architecture");
            if (!ARCHITECTURE.equals(arch)) {
                throw new ModelFormatException(file + ": architecture '" + arch + "' is not " + ARCHITECTURE);
            }
            FeatureConfig f = new FeatureConfig(m.getInt("features.sample_rate"), m.getInt("features.num_mel_bins"),
                    m.getDouble("features.frame_length_ms"), m.getDouble("features.frame_shift_ms"));
            MoeConfig moe = new MoeConfig(m.getInt("moe.num_experts"), m.getInt("moe.hidden_units"),
                    m.getBoolean("moe.router_with_bias"), m.getBoolean("moe.keep_expert_output"));
            return new GraphConfig(encoder(m, "encoder", file), moe, encoder(m, "embed", file), f,
                    m.getStringList("tokens"));
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
        return new EncoderConfig(m.getInt(p + ".attention_dim"), m.getInt(p + ".attention_heads"),
                m.getInt(p + ".num_blocks"), a, m.getBoolean(p + ".macaron_style"), m.getBoolean(p + ".use_cnn_module"),
                m.getInt(p + ".cnn_module_kernel"), n, m.getInt(p + ".ffn_units"));
    }
}

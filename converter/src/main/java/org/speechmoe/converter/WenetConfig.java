package org.speechmoe.converter;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.speechmoe.format.graph.EncoderConfig;
import org.speechmoe.format.graph.FeatureConfig;
import org.speechmoe.format.graph.GraphConfig;
import org.speechmoe.format.graph.MoeConfig;
import org.speechmoe.format.graph.StreamingConfig;

/**
 * A 3m-asr {@code train.yaml}, read for what inference needs. Defaults are 3m-asr's constructor defaults. Options
 * that change the inference graph in ways the runtime does not implement are refused by name; options that only
 * matter in training (dropout, losses) are ignored. The streaming options ({@code causal}, {@code use_dynamic_chunk},
 * {@code use_dynamic_left_chunk}, {@code static_chunk_size}) are recorded for each encoder.
 *
 * @param prefix state_dict prefix of the encoder: {@code "encoder."} for the joint CTC/AED model, else empty
 */
public record WenetConfig(String nnetProto, String prefix, GraphConfig graph) {
    static final String CTC_PROTO = "conformer_moe_catEmbed";
    static final String AED_PROTO = "conformer_aed_moe_catEmbed";
    private static final long MAX_BYTES = 16L << 20;

    public static WenetConfig read(Path file, List<String> tokens) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new ConversionException(file + ": " + Files.size(file) + " bytes is far too large for a train.yaml");
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new ConversionException(file + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst()
                    .orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new ConversionException(file + ": expected a YAML mapping at the top level");
        }
        Keys top = new Keys(file, "", root);
        String proto = top.string("nnet_proto", null);
        String prefix = switch (proto == null ? "" : proto) {
            case CTC_PROTO -> "";
            case AED_PROTO -> "encoder.";
            default -> throw new ConversionException(file + ": nnet_proto '" + proto + "' is not a SpeechMoE model ("
                    + CTC_PROTO + " or " + AED_PROTO + ")");
        };
        Keys model = top.child("model_conf");
        Keys enc = model.has("encoder_conf") ? model.child("encoder_conf") : model;
        Keys moeKeys = enc.child("moe_conf");
        Keys embedKeys = enc.child("embed_conf");

        Keys dataset = top.child("dataset_conf");
        Keys fbank = dataset.child("fbank_conf");
        int sampleRate = dataset.child("resample_conf").integer("resample_rate", 16000);
        FeatureConfig features = new FeatureConfig(sampleRate, fbank.integer("num_mel_bins", 80),
                fbank.number("frame_length", 25), fbank.number("frame_shift", 10));

        MoeConfig moe = guard(file, () -> new MoeConfig(moeKeys.integer("num_experts", 4),
                moeKeys.integer("hidden_units", 1024), moeKeys.bool("router_with_bias", false),
                moeKeys.bool("keep_expert_output", false)));
        EncoderConfig encoder = encoder(file, enc, moe.hiddenUnits());
        EncoderConfig embed = encoder(file, embedKeys, embedKeys.integer("linear_units", 2048));
        GraphConfig graph = guard(file, () -> new GraphConfig(encoder, moe, embed, features, tokens));
        return new WenetConfig(proto, prefix, graph);
    }

    /**
     * The same model with {@code total} experts per block. 3m-asr's {@code moe_conf.num_experts} counts the experts
     * of one training GPU, and its saved checkpoints gather the experts of all GPUs, so the checkpoint holds
     * {@code num_experts x world_size} of them: a whole multiple of the configured number.
     */
    WenetConfig withExperts(Path file, int total) throws ConversionException {
        MoeConfig m = graph.moe();
        if (total <= 0 || total % m.numExperts() != 0) {
            throw new ConversionException(file + ": the checkpoint's routers have " + total
                    + " experts, not a multiple of moe_conf.num_experts " + m.numExperts());
        }
        MoeConfig moe = new MoeConfig(total, m.hiddenUnits(), m.routerWithBias(), m.keepExpertOutput());
        return new WenetConfig(nnetProto, prefix, new GraphConfig(graph.encoder(), moe, graph.embed(),
                graph.features(), graph.tokens()));
    }

    private static EncoderConfig encoder(Path file, Keys k, int ffnUnits) throws ConversionException {
        k.require("input_layer", "conv2d", "only 4x conv2d subsampling is implemented");
        k.require("pos_enc_layer_type", "rel_pos", "only relative positional encoding is implemented");
        k.require("selfattention_layer_type", "rel_selfattn", "only relative-position self-attention is implemented");
        k.requireBool("normalize_before", true, "post-norm Conformer blocks are not implemented");
        k.requireBool("concat_after", false, "concat_linear after attention is not implemented");
        int staticChunk = k.integer("static_chunk_size", 0);
        if (staticChunk < 0) {
            throw k.unsupported("static_chunk_size", staticChunk + ": must not be negative");
        }
        StreamingConfig streaming = new StreamingConfig(k.bool("causal", false), k.bool("use_dynamic_chunk", false),
                k.bool("use_dynamic_left_chunk", false), staticChunk);
        if (k.integer("conv_subsample_in_ch", 1) != 1) {
            throw k.unsupported("conv_subsample_in_ch", "the subsampling takes one input channel");
        }
        String act = k.string("activation_type", "swish");
        EncoderConfig.Activation activation = EncoderConfig.Activation.fromLabel(act);
        if (activation == null) {
            throw k.unsupported("activation_type", "'" + act + "' is not implemented (swish or relu)");
        }
        String norm = k.string("cnn_module_norm", "batch_norm");
        EncoderConfig.ConvNorm convNorm = EncoderConfig.ConvNorm.fromLabel(norm);
        if (convNorm == null) {
            throw k.unsupported("cnn_module_norm", "'" + norm + "' is not implemented (batch_norm or layer_norm)");
        }
        return guard(file, () -> new EncoderConfig(k.integer("attention_dim", 256), k.integer("attention_heads", 4),
                k.integer("num_blocks", 6), activation, k.bool("macaron_style", true), k.bool("use_cnn_module", true),
                k.integer("cnn_module_kernel", 15), convNorm, ffnUnits, streaming));
    }

    private interface Build<T> {
        T get() throws ConversionException;
    }

    private static <T> T guard(Path file, Build<T> build) throws ConversionException {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new ConversionException(file + ": " + e.getMessage());
        }
    }

    /** Typed access to one mapping of the YAML tree, with the dotted path for messages. */
    private record Keys(Path file, String path, JsonNode node) {
        boolean has(String key) {
            return node.has(key);
        }

        Keys child(String key) throws ConversionException {
            JsonNode c = node.path(key);
            if (!c.isMissingNode() && !c.isNull() && !c.isObject()) {
                throw new ConversionException(file + ": " + where(key) + " must be a mapping");
            }
            return new Keys(file, where(key), c.isObject() ? c : MissingNode.getInstance());
        }

        String where(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        private <T> T value(String key, T dflt, String kind, Function<JsonNode, T> read) throws ConversionException {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return dflt;
            }
            T t = read.apply(v);
            if (t == null) {
                throw new ConversionException(file + ": " + where(key) + " must be " + kind + ", got '" + v.asText()
                        + "'");
            }
            return t;
        }

        int integer(String key, int dflt) throws ConversionException {
            return value(key, dflt, "an integer", v -> v.canConvertToInt() && v.isIntegralNumber() ? v.intValue() : null);
        }

        double number(String key, double dflt) throws ConversionException {
            return value(key, dflt, "a number", v -> v.isNumber() ? v.doubleValue() : null);
        }

        boolean bool(String key, boolean dflt) throws ConversionException {
            return value(key, dflt, "true or false", v -> v.isBoolean() ? v.booleanValue() : null);
        }

        String string(String key, String dflt) throws ConversionException {
            return value(key, dflt, "a string", v -> v.isTextual() ? v.textValue() : null);
        }

        void require(String key, String only, String why) throws ConversionException {
            String v = string(key, only);
            if (!only.equals(v)) {
                throw unsupported(key, "'" + v + "': " + why);
            }
        }

        void requireBool(String key, boolean only, String why) throws ConversionException {
            if (bool(key, only) != only) {
                throw unsupported(key, (!only) + ": " + why);
            }
        }

        ConversionException unsupported(String key, String why) {
            return new ConversionException(file + ": unsupported option " + where(key) + " " + why);
        }
    }
}

package org.speechmoe.format.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.Metadata;
import org.speechmoe.format.ModelFormatException;

/** The streaming options in the model metadata: written, read back, and defaulted in older files. */
class GraphConfigStreamingTest {
    private static EncoderConfig encoder(int d, int ffn, StreamingConfig s) {
        return new EncoderConfig(d, 4, 2, EncoderConfig.Activation.SWISH, true, true, 7,
                EncoderConfig.ConvNorm.LAYER_NORM, ffn, s);
    }

    private static GraphConfig graph(StreamingConfig main, StreamingConfig embed) {
        return new GraphConfig(encoder(32, 48, main), new MoeConfig(4, 48, true, false), encoder(16, 32, embed),
                new FeatureConfig(16000, 80, 25, 10), List.of("<blank>", "a", "b"));
    }

    @Test
    void streamingOptionsRoundTrip() throws ModelFormatException {
        GraphConfig g = graph(new StreamingConfig(true, true, true, 0), new StreamingConfig(true, false, false, 8));
        GraphConfig back = GraphConfig.fromMetadata(g.toMetadata("test"), "m.smoe");
        assertEquals(g, back);
        assertTrue(back.streamable());
        assertEquals(0, back.decodingChunkSize());
        GraphConfig fixed = graph(new StreamingConfig(true, false, false, 16), new StreamingConfig(true, false, false, 0));
        assertEquals(16, GraphConfig.fromMetadata(fixed.toMetadata("test"), "m.smoe").decodingChunkSize());
    }

    @Test
    void filesWithoutTheKeysAreFullContext() throws ModelFormatException {
        Metadata full = graph(StreamingConfig.FULL_CONTEXT, StreamingConfig.FULL_CONTEXT).toMetadata("test");
        Metadata legacy = without(full, key -> key.endsWith("causal") || key.contains("chunk")).build();
        assertFalse(legacy.contains("encoder.causal"));
        GraphConfig g = GraphConfig.fromMetadata(legacy, "old.smoe");
        assertEquals(StreamingConfig.FULL_CONTEXT, g.encoder().streaming());
        assertEquals(StreamingConfig.FULL_CONTEXT, g.embed().streaming());
        assertFalse(g.streamable());
    }

    /** A builder holding {@code m}'s entries except those {@code drop} accepts. */
    private static Metadata.Builder without(Metadata m, Predicate<String> drop) {
        Metadata.Builder b = Metadata.builder();
        for (String key : m.keys()) {
            if (drop.test(key)) {
                continue;
            }
            switch (m.type(key)) {
                case BOOL -> b.putBoolean(key, m.getBoolean(key));
                case INT64 -> b.putLong(key, m.getLong(key));
                case FLOAT64 -> b.putDouble(key, m.getDouble(key));
                case STRING -> b.putString(key, m.getString(key));
                case STRING_ARRAY -> b.putStringList(key, m.getStringList(key));
                default -> throw new AssertionError(key);
            }
        }
        return b;
    }

    @Test
    void aStaticChunkNeedsCausalNetworksAndRangesAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> graph(new StreamingConfig(false, false, false, 4), StreamingConfig.FULL_CONTEXT));
        assertTrue(e.getMessage().contains("causal"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StreamingConfig(true, false, false, -1));
        Metadata huge = without(graph(new StreamingConfig(true, true, false, 0), new StreamingConfig(true, true, false, 0))
                .toMetadata("test"), "embed.static_chunk_size"::equals).putLong("embed.static_chunk_size", 1L << 40)
                .build();
        ModelFormatException f = assertThrows(ModelFormatException.class, () -> GraphConfig.fromMetadata(huge, "m"));
        assertTrue(f.getMessage().contains("embed.static_chunk_size"), f.getMessage());
    }
}

package org.speechmoe.converter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * One tensor as the Python fixture generators describe it: torch dtype name, shape, and either all values or their
 * sum and first values.
 */
record ExpectedTensor(String dtype, long[] shape, double[] values, Double sum) {

    /** A JSON object name -> {"dtype", "shape", "values" | "sum" + "first"}, in file order. */
    static Map<String, ExpectedTensor> read(Path json) throws IOException {
        return of(new ObjectMapper().readTree(json.toFile()));
    }

    static Map<String, ExpectedTensor> of(JsonNode tensors) {
        Map<String, ExpectedTensor> expected = new LinkedHashMap<>();
        for (var field : tensors.properties()) {
            JsonNode t = field.getValue();
            expected.put(field.getKey(), new ExpectedTensor(t.get("dtype").asText(), longs(t.get("shape")),
                    doubles(t.has("values") ? t.get("values") : t.get("first")),
                    t.has("sum") ? t.get("sum").asDouble() : null));
        }
        return expected;
    }

    void assertMatches(SourceTensor tensor) throws CheckpointException {
        String name = tensor.name();
        assertEquals(dtype, tensor.dtype().torchName(), name);
        assertArrayEquals(shape, tensor.shape(), name);
        float[] actual = tensor.toFloats();
        assertEquals(tensor.elementCount(), actual.length, name);
        for (int i = 0; i < values.length; i++) {
            assertEquals((float) values[i], actual[i], name + "[" + i + "]");
        }
        if (sum != null) {
            double total = 0;
            double magnitude = 0;
            for (float v : actual) {
                total += v;
                magnitude += Math.abs(v);
            }
            // Relative to the sum of magnitudes: a sum that cancels to ~0 has no meaningful relative error of its own.
            double actualSum = total;
            assertTrue(Math.abs(total - sum) <= 1e-6 * Math.max(magnitude, Math.abs(sum)),
                    () -> name + ": sum " + actualSum + ", expected " + sum);
        }
    }

    private static long[] longs(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToLong(JsonNode::asLong).toArray();
    }

    private static double[] doubles(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
    }
}

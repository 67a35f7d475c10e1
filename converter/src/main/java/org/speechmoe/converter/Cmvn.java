package org.speechmoe.converter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Global CMVN from WeNet's JSON statistics: {@code mean = mean_stat / N}, {@code var = max(var_stat / N - mean², 1e-20)},
 * {@code istd = 1 / sqrt(var)}. Computed in double, as WeNet does, then stored as f32.
 */
public record Cmvn(float[] mean, float[] istd) {
    private static final long MAX_BYTES = 16L << 20;

    public static Cmvn read(Path file, int dims) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new ConversionException(file + ": " + Files.size(file) + " bytes is far too large for CMVN stats");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ConversionException(file + ": not WeNet JSON CMVN stats ({\"mean_stat\": [...], \"var_stat\": [...],"
                    + " \"frame_num\": N}): " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConversionException(file + ": expected a JSON object with mean_stat, var_stat and frame_num");
        }
        double n = number(file, root.get("frame_num"), "frame_num");
        if (!(n > 0)) {
            throw new ConversionException(file + ": frame_num must be positive, got " + n);
        }
        double[] meanStat = vector(file, root.get("mean_stat"), "mean_stat", dims);
        double[] varStat = vector(file, root.get("var_stat"), "var_stat", dims);
        float[] mean = new float[dims];
        float[] istd = new float[dims];
        for (int i = 0; i < dims; i++) {
            double m = meanStat[i] / n;
            double var = Math.max(varStat[i] / n - m * m, 1e-20);
            mean[i] = (float) m;
            istd[i] = (float) (1.0 / Math.sqrt(var));
        }
        return new Cmvn(mean, istd);
    }

    private static double number(Path file, JsonNode node, String key) throws ConversionException {
        if (node == null || !node.isNumber()) {
            throw new ConversionException(file + ": '" + key + "' must be a number");
        }
        return node.asDouble();
    }

    private static double[] vector(Path file, JsonNode node, String key, int dims) throws ConversionException {
        if (node == null || !node.isArray()) {
            throw new ConversionException(file + ": '" + key + "' must be an array of " + dims + " numbers");
        }
        if (node.size() != dims) {
            throw new ConversionException(file + ": '" + key + "' has " + node.size() + " values, the features have "
                    + dims + " mel bins");
        }
        double[] v = new double[dims];
        for (int i = 0; i < dims; i++) {
            double x = number(file, node.get(i), key + "[" + i + "]");
            if (!Double.isFinite(x)) {
                throw new ConversionException(file + ": " + key + "[" + i + "] is not finite");
            }
            v[i] = x;
        }
        return v;
    }
}

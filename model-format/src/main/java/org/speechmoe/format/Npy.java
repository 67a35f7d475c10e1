package org.speechmoe.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format 1.0) of little-endian float32 or int32, C order: how log-probabilities and routes
 * are exchanged with other implementations, and how the reference fixtures are stored.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern HEADER = Pattern.compile(
            "\\{\\s*'descr'\\s*:\\s*'([<>|=]?[a-z]\\d+)'\\s*,\\s*'fortran_order'\\s*:\\s*(True|False)\\s*,"
                    + "\\s*'shape'\\s*:\\s*\\(([\\d,\\s]*)\\)\\s*,?\\s*}");

    /** An array read from a file: its shape and its values as floats (int32 files are converted). */
    public record Array(int[] shape, float[] data, boolean integer) {
        public int dim(int i) {
            return shape[i];
        }

        public int[] ints() {
            int[] out = new int[data.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (int) data[i];
            }
            return out;
        }
    }

    private Npy() {
    }

    public static Array read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 10 || !Arrays.equals(Arrays.copyOf(all, 6), MAGIC)) {
            throw new IOException(file + ": not a .npy file");
        }
        int major = all[6];
        int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLen;
        if (dataStart > all.length) {
            throw new IOException(file + ": truncated .npy header");
        }
        String header = new String(all, major == 1 ? 10 : 12, headerLen, StandardCharsets.ISO_8859_1);
        Matcher m = HEADER.matcher(header.strip());
        if (!m.find()) {
            throw new IOException(file + ": unsupported .npy header " + header.strip());
        }
        if (m.group(2).equals("True")) {
            throw new IOException(file + ": Fortran-order arrays are not supported");
        }
        String[] dims = m.group(3).split(",");
        int[] shape = Arrays.stream(dims).map(String::strip).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt)
                .toArray();
        int count = 1;
        for (int d : shape) {
            count = Math.multiplyExact(count, d);
        }
        String descr = m.group(1).replace("=", "<");
        float[] data = new float[count];
        b.position(dataStart);
        switch (descr) {
            case "<f4" -> b.asFloatBuffer().get(data);
            case "<i4" -> {
                for (int i = 0; i < count; i++) {
                    data[i] = b.getInt(dataStart + 4 * i);
                }
            }
            case "<i8" -> {
                for (int i = 0; i < count; i++) {
                    data[i] = b.getLong(dataStart + 8 * i);
                }
            }
            default -> throw new IOException(file + ": dtype " + descr + " is not supported (float32, int32, int64)");
        }
        return new Array(shape, data, !descr.equals("<f4"));
    }

    public static void writeFloat32(Path file, int[] shape, float[] data) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(data);
        write(file, "<f4", shape, data.length, body);
    }

    public static void writeInt32(Path file, int[] shape, int[] data) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        body.asIntBuffer().put(data);
        write(file, "<i4", shape, data.length, body);
    }

    private static void write(Path file, String descr, int[] shape, int count, ByteBuffer body) throws IOException {
        long expected = 1;
        for (int d : shape) {
            expected *= d;
        }
        if (expected != count) {
            throw new IllegalArgumentException(count + " values for shape " + Arrays.toString(shape));
        }
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? shape[0] + "," : dims.substring(0, Math.max(0, dims.length() - 2));
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + tuple + "), }";
        int unpadded = 10 + dict.length() + 1;
        int padded = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer head = ByteBuffer.allocate(10 + header.length()).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length())
                .put(header.getBytes(StandardCharsets.ISO_8859_1));
        Path tmp = file.resolveSibling(file.getFileName() + ".partial");
        try (var out = Files.newOutputStream(tmp)) {
            out.write(head.array());
            out.write(body.array());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

package org.speechmoe.format;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The byte forms of the metadata and directory sections, written and read in one place so they cannot drift. */
final class SectionCodec {
    private SectionCodec() {
    }

    static byte[] encodeMetadata(Metadata metadata) {
        SectionWriter w = new SectionWriter();
        Map<String, Object> raw = metadata.raw();
        w.u32(raw.size());
        for (var e : raw.entrySet()) {
            Metadata.Type type = Metadata.typeOf(e.getValue());
            w.name(e.getKey());
            w.u8(type.code);
            switch (e.getValue()) {
                case Long v -> w.u64(v);
                case Double v -> w.f64(v);
                case Boolean v -> w.u8(v ? 1 : 0);
                case String v -> w.string(v);
                case long[] a -> {
                    w.u32(a.length);
                    for (long v : a) {
                        w.u64(v);
                    }
                }
                case double[] a -> {
                    w.u32(a.length);
                    for (double v : a) {
                        w.f64(v);
                    }
                }
                case String[] a -> {
                    w.u32(a.length);
                    for (String v : a) {
                        w.string(v);
                    }
                }
                default -> throw new AssertionError(type);
            }
        }
        return w.toByteArray();
    }

    static Metadata decodeMetadata(SectionReader r) throws ModelFormatException {
        int n = r.count(r.u32("entry count"), SmoeLayout.MIN_META_ENTRY, "entry");
        Metadata.Builder b = Metadata.builder();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String key = r.name("key of entry " + i);
            if (key.isEmpty() || !seen.add(key)) {
                throw r.error(key.isEmpty() ? "entry " + i + " has an empty key" : "key '" + key + "' appears twice");
            }
            int code = r.u8("type of '" + key + "'");
            Metadata.Type type = Metadata.Type.fromCode(code);
            if (type == null) {
                throw r.error("'" + key + "' has unknown value type " + code);
            }
            String what = "value of '" + key + "'";
            switch (type) {
                case INT64 -> b.putLong(key, r.i64(what));
                case FLOAT64 -> b.putDouble(key, r.f64(what));
                case BOOL -> {
                    int v = r.u8(what);
                    if (v > 1) {
                        throw r.error("'" + key + "' is a bool with byte value " + v);
                    }
                    b.putBoolean(key, v == 1);
                }
                case STRING -> b.putString(key, r.string(what));
                case INT64_ARRAY -> {
                    long[] a = new long[r.count(r.u32(what + " length"), 8, what)];
                    for (int j = 0; j < a.length; j++) {
                        a[j] = r.i64(what);
                    }
                    b.putLongArray(key, a);
                }
                case FLOAT64_ARRAY -> {
                    double[] a = new double[r.count(r.u32(what + " length"), 8, what)];
                    for (int j = 0; j < a.length; j++) {
                        a[j] = r.f64(what);
                    }
                    b.putDoubleArray(key, a);
                }
                case STRING_ARRAY -> {
                    int len = r.count(r.u32(what + " length"), 4, what);
                    List<String> a = new ArrayList<>(len);
                    for (int j = 0; j < len; j++) {
                        a.add(r.string(what));
                    }
                    b.putStringList(key, a);
                }
            }
        }
        if (r.remaining() != 0) {
            throw r.error(r.remaining() + " bytes follow the last entry");
        }
        return b.build();
    }

    static byte[] encodeDirectory(List<TensorInfo> tensors) {
        SectionWriter w = new SectionWriter();
        for (TensorInfo t : tensors) {
            w.name(t.name());
            w.u8(t.dtype().code());
            w.u8(t.rank());
            for (long d : t.shape()) {
                w.u64(d);
            }
            w.u64(t.offset());
            w.u64(t.byteLength());
            w.u32(Integer.toUnsignedLong(t.crc32c()));
        }
        return w.toByteArray();
    }

    /** Parses {@code count} entries; the reader checks their placement against the file afterwards. */
    static List<TensorInfo> decodeDirectory(SectionReader r, long count) throws ModelFormatException {
        int n = r.count(count, SmoeLayout.MIN_DIR_ENTRY, "tensor");
        List<TensorInfo> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = r.name("name of tensor " + i);
            int code = r.u8("dtype of '" + name + "'");
            DType dtype = DType.fromCode(code);
            if (dtype == null) {
                throw r.error("tensor '" + name + "' has unknown dtype code " + code);
            }
            int rank = r.u8("rank of '" + name + "'");
            if (rank > SmoeLayout.MAX_RANK) {
                throw r.error("tensor '" + name + "' has rank " + rank + ", the limit is " + SmoeLayout.MAX_RANK);
            }
            long[] shape = new long[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = r.i64("shape of '" + name + "'");
                if (shape[d] < 0) {
                    throw r.error("tensor '" + name + "' has a negative dimension " + shape[d]);
                }
            }
            long offset = r.i64("offset of '" + name + "'");
            long length = r.i64("length of '" + name + "'");
            int crc = (int) r.u32("checksum of '" + name + "'");
            out.add(new TensorInfo(name, dtype, shape, offset, length, crc));
        }
        if (r.remaining() != 0) {
            throw r.error(r.remaining() + " bytes follow the last entry");
        }
        return out;
    }
}

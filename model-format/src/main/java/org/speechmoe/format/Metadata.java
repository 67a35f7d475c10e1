package org.speechmoe.format;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Typed key/value metadata of a model file, in insertion order (the order is written to the file, so equal
 * builders give equal bytes). Immutable; array values are copied in and out.
 */
public final class Metadata {
    /** Value types and their codes in the file. The codes never change. */
    public enum Type {
        INT64(1), FLOAT64(2), BOOL(3), STRING(4), INT64_ARRAY(5), FLOAT64_ARRAY(6), STRING_ARRAY(7);

        final int code;

        Type(int code) {
            this.code = code;
        }

        static Type fromCode(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    private final Map<String, Object> values;

    private Metadata(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Metadata empty() {
        return new Metadata(Map.of());
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public int size() {
        return values.size();
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public Type type(String key) {
        return typeOf(require(key));
    }

    public long getLong(String key) {
        return (Long) expect(key, Type.INT64);
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalStateException("metadata '" + key + "' = " + v + " does not fit in an int");
        }
        return (int) v;
    }

    public double getDouble(String key) {
        return (Double) expect(key, Type.FLOAT64);
    }

    public boolean getBoolean(String key) {
        return (Boolean) expect(key, Type.BOOL);
    }

    public String getString(String key) {
        return (String) expect(key, Type.STRING);
    }

    public long[] getLongArray(String key) {
        return ((long[]) expect(key, Type.INT64_ARRAY)).clone();
    }

    public double[] getDoubleArray(String key) {
        return ((double[]) expect(key, Type.FLOAT64_ARRAY)).clone();
    }

    public List<String> getStringList(String key) {
        return List.of((String[]) expect(key, Type.STRING_ARRAY));
    }

    /** The raw value (Long, Double, Boolean, String, long[], double[] or String[]); arrays are copies. */
    public Object get(String key) {
        return copy(require(key));
    }

    /** A short rendering for listings: long arrays are elided after a few items. */
    public String display(String key) {
        Object v = require(key);
        return switch (v) {
            case long[] a -> preview(Arrays.stream(a).mapToObj(Long::toString).toList(), a.length);
            case double[] a -> preview(Arrays.stream(a).mapToObj(Double::toString).toList(), a.length);
            case String[] a -> preview(Arrays.asList(a), a.length);
            case String s -> '"' + s + '"';
            default -> v.toString();
        };
    }

    private static String preview(List<String> items, int n) {
        int shown = Math.min(n, 8);
        String head = String.join(", ", items.subList(0, shown));
        return "[" + head + (n > shown ? ", ... (" + n + " items)" : "") + "]";
    }

    /** The bytes of a metadata section as docs/FORMAT.md describes it; files other than .smoe store it too. */
    public byte[] encode() {
        return SectionCodec.encodeMetadata(this);
    }

    /**
     * Decodes a metadata section, which must end exactly after its last entry.
     *
     * @param file    names the file in messages
     * @param section names the section in messages
     * @throws ModelFormatException when the bytes are not such a section
     */
    public static Metadata decode(MemorySegment bytes, String file, String section) throws ModelFormatException {
        return SectionCodec.decodeMetadata(new SectionReader(bytes, section, file));
    }

    Map<String, Object> raw() {
        return values;
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalStateException("metadata has no key '" + key + "'");
        }
        return v;
    }

    private Object expect(String key, Type type) {
        Object v = require(key);
        if (typeOf(v) != type) {
            throw new IllegalStateException("metadata '" + key + "' is " + typeOf(v) + ", expected " + type);
        }
        return v;
    }

    static Type typeOf(Object v) {
        return switch (v) {
            case Long l -> Type.INT64;
            case Double d -> Type.FLOAT64;
            case Boolean b -> Type.BOOL;
            case String s -> Type.STRING;
            case long[] a -> Type.INT64_ARRAY;
            case double[] a -> Type.FLOAT64_ARRAY;
            case String[] a -> Type.STRING_ARRAY;
            default -> throw new IllegalArgumentException("unsupported metadata value " + v.getClass().getName());
        };
    }

    private static Object copy(Object v) {
        return switch (v) {
            case long[] a -> a.clone();
            case double[] a -> a.clone();
            case String[] a -> a.clone();
            default -> v;
        };
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Metadata m) || !m.values.keySet().equals(values.keySet())) {
            return false;
        }
        for (var e : values.entrySet()) {
            if (!Objects.deepEquals(e.getValue(), m.values.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return values.keySet().hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Metadata{");
        for (String k : values.keySet()) {
            sb.append(k).append('=').append(display(k)).append(", ");
        }
        return sb.append('}').toString();
    }

    /** Collects entries; a key may be set once. */
    public static final class Builder {
        private final LinkedHashMap<String, Object> values = new LinkedHashMap<>();

        private Builder put(String key, Object value) {
            Objects.requireNonNull(value, key);
            if (key.isEmpty() || SmoeLayout.utf8(key).length > SmoeLayout.MAX_NAME_BYTES) {
                throw new IllegalArgumentException("metadata key must be 1.." + SmoeLayout.MAX_NAME_BYTES
                        + " UTF-8 bytes: '" + key + "'");
            }
            if (values.putIfAbsent(key, copy(value)) != null) {
                throw new IllegalArgumentException("metadata key '" + key + "' set twice");
            }
            return this;
        }

        public Builder putLong(String key, long v) {
            return put(key, v);
        }

        public Builder putDouble(String key, double v) {
            return put(key, v);
        }

        public Builder putBoolean(String key, boolean v) {
            return put(key, v);
        }

        public Builder putString(String key, String v) {
            return put(key, v);
        }

        public Builder putLongArray(String key, long... v) {
            return put(key, v);
        }

        public Builder putDoubleArray(String key, double... v) {
            return put(key, v);
        }

        public Builder putStringList(String key, List<String> v) {
            for (String s : v) {
                Objects.requireNonNull(s, key);
            }
            return put(key, v.toArray(String[]::new));
        }

        /** Adds every entry of {@code other}, keeping its order. */
        public Builder putAll(Metadata other) {
            other.values.forEach(this::put);
            return this;
        }

        public Metadata build() {
            return new Metadata(values);
        }
    }
}

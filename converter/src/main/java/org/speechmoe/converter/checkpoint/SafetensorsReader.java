package org.speechmoe.converter.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file: a little-endian u64 header length N, N bytes of JSON naming each tensor's dtype, shape and
 * {@code data_offsets} (relative to the end of the header), then the contiguous row-major data. The file is memory
 * mapped and tensors are read from the mapping on demand. JSON object order carries no meaning (writers sort names),
 * so {@link Checkpoint#tensors()} lists tensors by data offset, which is the order in which they were written.
 */
public final class SafetensorsReader {
    private static final long MAX_HEADER_BYTES = 100_000_000;
    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private SafetensorsReader() {
    }

    private record Entry(String name, SourceDType dtype, long[] shape, long begin, long end) {
    }

    public static Checkpoint open(Path file) throws CheckpointException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new OpenedCheckpoint(file, readTensors(file, mapped), arena::close);
        } catch (CheckpointException | RuntimeException e) {
            arena.close();
            throw e;
        } catch (NoSuchFileException e) {
            arena.close();
            throw new CheckpointException(file + ": no such file", e);
        } catch (IOException e) {
            arena.close();
            throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static Map<String, SourceTensor> readTensors(Path file, MemorySegment mapped) throws CheckpointException {
        if (mapped.byteSize() < Long.BYTES) {
            throw new CheckpointException(file + ": not a safetensors file: shorter than its 8-byte header length");
        }
        long headerBytes = mapped.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        long available = mapped.byteSize() - Long.BYTES;
        if (headerBytes < 0 || headerBytes > available) {
            throw new CheckpointException(file + ": safetensors header length " + Long.toUnsignedString(headerBytes)
                    + " exceeds the " + available + " bytes that follow it (truncated, or not a safetensors file)");
        }
        if (headerBytes > MAX_HEADER_BYTES) {
            throw new CheckpointException(file + ": safetensors header length " + headerBytes
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        JsonNode header = parseHeader(file, mapped.asSlice(Long.BYTES, headerBytes).toArray(ValueLayout.JAVA_BYTE));
        MemorySegment data = mapped.asSlice(Long.BYTES + headerBytes);
        List<Entry> entries = new ArrayList<>();
        for (var field : header.properties()) {
            if (!field.getKey().equals("__metadata__")) {
                entries.add(entry(file, field.getKey(), field.getValue(), data.byteSize()));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin));
        Map<String, SourceTensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            long elements = (e.end - e.begin) / e.dtype.byteSize();
            var storage = new MappedStorage(file, data.asSlice(e.begin, e.end - e.begin), e.dtype, elements);
            tensors.put(e.name, new SourceTensor(file, e.name, e.shape, SourceTensor.contiguousStrides(e.shape), 0, storage));
        }
        return tensors;
    }

    private static JsonNode parseHeader(Path file, byte[] json) throws CheckpointException {
        JsonNode header;
        try {
            header = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new CheckpointException(file + ": safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot parse the safetensors header: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointException(file + ": safetensors header is not a JSON object");
        }
        return header;
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataBytes) throws CheckpointException {
        String where = file + ": tensor '" + name + "'";
        JsonNode dtypeName = node.path("dtype");
        SourceDType dtype = SourceDType.fromSafetensors(dtypeName.asText()).orElseThrow(() -> new CheckpointException(
                where + " has unknown dtype " + dtypeName + " (supported: " + Arrays.toString(SourceDType.values()) + ")"));
        long[] shape = longs(where, "shape", node.path("shape"));
        long[] offsets = longs(where, "data_offsets", node.path("data_offsets"));
        if (offsets.length != 2) {
            throw new CheckpointException(where + ": data_offsets must be [begin, end], not " + node.get("data_offsets"));
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end || end > dataBytes) {
            throw new CheckpointException(where + " has data_offsets [" + begin + ", " + end + "] outside the "
                    + dataBytes + "-byte data section (truncated file or corrupt header)");
        }
        long elements = 1;
        for (long n : shape) {
            elements = n == 0 || elements <= Long.MAX_VALUE / n ? elements * n : -1;
        }
        if (elements < 0 || elements > Long.MAX_VALUE / dtype.byteSize()
                || end - begin != elements * dtype.byteSize()) {
            throw new CheckpointException(where + " has data_offsets [" + begin + ", " + end + "] (" + (end - begin)
                    + " bytes), but dtype " + dtype + " and shape " + Arrays.toString(shape) + " need "
                    + (elements < 0 ? "more than 2^63 elements" : elements + " elements"));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] longs(String where, String field, JsonNode array) throws CheckpointException {
        if (!array.isArray()) {
            throw new CheckpointException(where + ": " + field + " is missing or not an array");
        }
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode value = array.get(i);
            if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.asLong() < 0) {
                throw new CheckpointException(where + ": " + field + " " + array + " must hold non-negative integers");
            }
            values[i] = value.asLong();
        }
        return values;
    }
}

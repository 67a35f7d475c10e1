package org.speechmoe.converter.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Builds protocol-2 pickles opcode by opcode, to craft the checkpoints torch would never write. */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter() {
        op(0x80).op(2);
    }

    PickleWriter op(int opcode) {
        out.write(opcode);
        return this;
    }

    PickleWriter raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    PickleWriter global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    PickleWriter str(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return op('X').raw(littleEndian(4, utf8.length)).raw(utf8);
    }

    /** LONG1 with 8 bytes: any long, as Python would pickle a large int. */
    PickleWriter integer(long value) {
        return op(0x8a).op(8).raw(littleEndian(8, value));
    }

    PickleWriter ints(long... values) {
        op('(');
        for (long v : values) {
            integer(v);
        }
        return op('t');
    }

    PickleWriter mark() {
        return op('(');
    }

    PickleWriter tuple() {
        return op('t');
    }

    PickleWriter reduce() {
        return op('R');
    }

    PickleWriter setItems() {
        return op('u');
    }

    PickleWriter orderedDict() {
        return global("collections", "OrderedDict").op(')').reduce();
    }

    /** A tensor exactly as torch pickles it: {@code _rebuild_tensor_v2(storage, offset, shape, strides, False, OrderedDict())}. */
    PickleWriter tensor(String storageClass, String key, long numel, long offset, long[] shape, long[] strides) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().str("storage").global("torch", storageClass).str(key).str("cpu").integer(numel).tuple().op('Q');
        return integer(offset).ints(shape).ints(strides).op(0x89).orderedDict().tuple().reduce();
    }

    byte[] stop() {
        return op('.').out.toByteArray();
    }

    static byte[] littleEndian(int size, long value) {
        return Arrays.copyOf(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array(), size);
    }
}

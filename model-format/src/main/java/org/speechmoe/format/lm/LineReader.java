package org.speechmoe.format.lm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.speechmoe.format.ModelFormatException;

/**
 * The lines of a UTF-8 text, numbered from 1, each at most {@code maxBytes} long, so that a file without line
 * breaks (a binary file given by mistake) is refused instead of filling memory. A line ends at LF; a CR before it is
 * dropped. Bytes that are not UTF-8 are refused, naming the line.
 */
final class LineReader {
    private final InputStream in;
    private final String name;
    private final byte[] chunk = new byte[1 << 16];
    private final byte[] line;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;
    private int limit;
    private long number;

    LineReader(InputStream in, String name, int maxBytes) {
        this.in = in;
        this.name = name;
        this.line = new byte[maxBytes];
    }

    /** The number of the line last returned; 0 before the first. */
    long number() {
        return number;
    }

    /** The next line without its line break, or null at the end of the text. */
    String next() throws IOException {
        int length = 0;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(chunk);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (!any) {
                        return null;
                    }
                    break;
                }
            }
            any = true;
            byte b = chunk[pos++];
            if (b == '\n') {
                break;
            }
            if (length == line.length) {
                throw new ModelFormatException(name + ":" + (number + 1) + ": the line is longer than " + line.length
                        + " bytes: not an ARPA file, or a damaged one");
            }
            line[length++] = b;
        }
        number++;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return decode(length);
    }

    private String decode(int length) throws ModelFormatException {
        boolean ascii = true;
        for (int i = 0; i < length && ascii; i++) {
            ascii = line[i] >= 0;
        }
        if (ascii) {
            return new String(line, 0, length, StandardCharsets.ISO_8859_1);
        }
        try {
            return utf8.decode(ByteBuffer.wrap(line, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(name + ":" + number + ": the line is not UTF-8 text");
        }
    }
}

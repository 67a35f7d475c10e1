package org.speechmoe.converter;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The token list of a WeNet {@code units.txt}: one "token id" pair a line, ids 0..V-1, {@code <blank>} first. */
public final class Units {
    static final String BLANK = "<blank>";
    private static final long MAX_BYTES = 64L << 20;

    private Units() {
    }

    public static List<String> read(Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new ConversionException(file + ": " + Files.size(file) + " bytes is far too large for a units file");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new ConversionException(file + ": not UTF-8 text");
        }
        List<String[]> pairs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new ConversionException(file + ":" + (i + 1) + ": expected 'token id', got '" + line + "'");
            }
            pairs.add(new String[] {parts[0], parts[1], Integer.toString(i + 1)});
        }
        if (pairs.isEmpty()) {
            throw new ConversionException(file + ": no tokens");
        }
        String[] tokens = new String[pairs.size()];
        for (String[] p : pairs) {
            int id;
            try {
                id = Integer.parseInt(p[1]);
            } catch (NumberFormatException e) {
                throw new ConversionException(file + ":" + p[2] + ": id '" + p[1] + "' is not an integer");
            }
            if (id < 0 || id >= tokens.length) {
                throw new ConversionException(file + ":" + p[2] + ": id " + id + " is outside 0.." + (tokens.length - 1)
                        + " (ids must number the " + tokens.length + " tokens without gaps)");
            }
            if (tokens[id] != null) {
                throw new ConversionException(file + ":" + p[2] + ": id " + id + " is given twice");
            }
            tokens[id] = p[0];
        }
        if (!BLANK.equals(tokens[0])) {
            throw new ConversionException(file + ": id 0 is '" + tokens[0] + "', CTC models need " + BLANK + " at 0");
        }
        return Arrays.asList(tokens);
    }
}

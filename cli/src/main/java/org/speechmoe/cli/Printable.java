package org.speechmoe.cli;

/**
 * Makes text that came from outside (file names, messages quoting a file's bytes, a model's metadata) safe to print
 * on a terminal: control characters are shown as escapes instead of acting on the terminal, so that an ESC[2J in a
 * WAV header cannot clear the screen, a NUL byte cannot turn a log into "binary", and a newline cannot forge a second
 * message line. Escaped: the C0 and C1 controls and DEL ({@code \x1b}, {@code \x00}, {@code \x9b}, also tab, CR and
 * LF), invisible formatting characters such as the bidirectional overrides ({@code \u202e}), the line and paragraph
 * separators, and lone surrogates. Everything else, backslashes and non-ASCII letters included, stays as it is.
 */
final class Printable {
    private Printable() {
    }

    /** {@code text} with every character that could act on a terminal written as an escape; null stays null. */
    static String of(String text) {
        if (text == null || text.codePoints().noneMatch(Printable::escaped)) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            if (!escaped(c)) {
                sb.appendCodePoint(c);
            } else if (c <= 0xFF) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.append(String.format("\\u%04x", c));
            }
        });
        return sb.toString();
    }

    private static boolean escaped(int c) {
        return Character.isISOControl(c) || switch (Character.getType(c)) {
            case Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SURROGATE -> true;
            default -> false;
        };
    }
}

package org.speechmoe.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import org.speechmoe.runtime.api.Utterance;

/**
 * Prints a stream's results as they come: a line per final utterance, and partial results either as lines of their
 * own or, on a terminal, on one line that each new partial overwrites and the final replaces.
 */
final class UtterancePrinter {
    private final PrintWriter out;
    private final boolean json;
    private final boolean partials;
    private final boolean overwrite;
    private final String file;
    /** The partial text last printed, so that an unchanged one is not printed again. */
    private String lastPartial = "";
    /** The width of the partial line on the terminal, to blank it out. */
    private int shown;

    /**
     * @param json      JSON Lines rather than text
     * @param partials  print partial results
     * @param overwrite show partial results on one terminal line (text only)
     * @param file      the input's name: JSON's {@code file}, and the start of each text line; null for none
     */
    UtterancePrinter(PrintWriter out, boolean json, boolean partials, boolean overwrite, String file) {
        this.out = out;
        this.json = json;
        this.partials = partials;
        this.overwrite = overwrite && !json;
        this.file = file;
    }

    /** Prints a partial result unless it says what the last one did. */
    void partial(Utterance u) {
        if (!partials || u == null || u.transcript().text().equals(lastPartial)) {
            return;
        }
        lastPartial = u.transcript().text();
        if (json) {
            out.println(line("partial", u));
        } else if (overwrite) {
            String text = lastPartial;
            out.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())));
            shown = text.length();
        } else {
            out.println(prefix() + "(partial) " + lastPartial);
        }
        out.flush();
    }

    /** Prints a final result. */
    void done(Utterance u) {
        lastPartial = "";
        if (json) {
            out.println(line("final", u));
        } else {
            String text = u.transcript().text() + (u.transcript().rejected() ? "(rejected)" : "");
            if (overwrite) {
                out.print("\r" + text + " ".repeat(Math.max(0, shown - text.length())) + "\n");
                shown = 0;
            } else {
                out.println(prefix() + text);
            }
        }
        out.flush();
    }

    private String prefix() {
        return file == null ? "" : file + ": ";
    }

    private String line(String type, Utterance u) {
        ObjectNode o = TranscriptJson.of(file, u.transcript());
        ObjectNode line = o.objectNode();
        line.put("type", type);
        if (file == null) {
            o.remove("file");
        }
        line.put("start", TranscriptJson.ms(u.start())).put("end", TranscriptJson.ms(u.end()));
        if (u.isFinal()) {
            line.put("ending", u.ending().name().toLowerCase(Locale.ROOT));
        }
        line.setAll(o);
        return line.toString();
    }
}

package org.speechmoe.runtime.internal.audio;

import java.nio.charset.StandardCharsets;

/** Names what a file that is not a WAV probably is, from its first bytes, so the user knows what they gave us. */
final class NotWav {
    private NotWav() {
    }

    static String describe(byte[] head) {
        if (head.length == 0) {
            return "the file is empty";
        }
        String what = guess(head);
        return "no RIFF/WAVE header" + (what == null ? "" : "; it looks like " + what);
    }

    /** What the bytes look like, or null when they look like nothing known. */
    static String guess(byte[] h) {
        Container c = Container.sniff(h);
        if (c == Container.OTHER_RIFF) {
            return h.length < 12 ? "a truncated RIFF file"
                    : "a RIFF file of type '" + new String(h, 8, 4, StandardCharsets.ISO_8859_1) + "', not WAVE";
        }
        return c.label;
    }
}

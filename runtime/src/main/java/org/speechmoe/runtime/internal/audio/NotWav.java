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

    private static String guess(byte[] h) {
        String start = new String(h, 0, Math.min(h.length, 4), StandardCharsets.ISO_8859_1);
        if (start.startsWith("ID3")) {
            return "MP3";
        }
        if (h.length >= 2 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xE0) == 0xE0) {
            // An MPEG frame sync; layer bits 00 mark an ADTS (AAC) stream.
            return (h[1] & 0x06) == 0 ? "AAC" : "MP3";
        }
        if (h.length >= 8 && new String(h, 4, 4, StandardCharsets.ISO_8859_1).equals("ftyp")) {
            return "MP4/M4A";
        }
        return switch (start) {
            case "fLaC" -> "FLAC";
            case "OggS" -> "Ogg (Vorbis or Opus)";
            case "FORM" -> "AIFF";
            case "#!AM" -> "AMR";
            case "caff" -> "CAF";
            case ".snd" -> "Sun AU";
            case "\u001aE\u00df\u00a3" -> "WebM/Matroska";
            case "RIFF" -> h.length < 12 ? "a truncated RIFF file"
                    : "a RIFF file of type '" + new String(h, 8, 4, StandardCharsets.ISO_8859_1) + "', not WAVE";
            default -> null;
        };
    }
}

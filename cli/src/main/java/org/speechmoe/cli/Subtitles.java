package org.speechmoe.cli;

import java.util.List;
import java.util.Locale;

/**
 * SubRip and WebVTT text from cues. Cues are numbered from 1 in both; times are rounded to the millisecond. WebVTT
 * cue text escapes {@code &}, {@code <} and {@code >} (so a word such as {@code <unk>} shows as written); SubRip has
 * no escaping and gets the words as they are. No cues give an empty SubRip file and a WebVTT file holding only its
 * header.
 */
final class Subtitles {
    private Subtitles() {
    }

    static String srt(List<Cues.Cue> cues) {
        StringBuilder sb = new StringBuilder();
        int n = 1;
        for (Cues.Cue c : cues) {
            sb.append(n++).append('\n')
                    .append(timestamp(c.start(), ',')).append(" --> ").append(timestamp(c.end(), ',')).append('\n')
                    .append(c.text()).append("\n\n");
        }
        return sb.toString();
    }

    static String vtt(List<Cues.Cue> cues) {
        StringBuilder sb = new StringBuilder("WEBVTT\n");
        int n = 1;
        for (Cues.Cue c : cues) {
            sb.append('\n').append(n++).append('\n')
                    .append(timestamp(c.start(), '.')).append(" --> ").append(timestamp(c.end(), '.')).append('\n')
                    .append(escapeVtt(c.text())).append('\n');
        }
        return sb.toString();
    }

    /** {@code HH:MM:SS,mmm} (SubRip, {@code separator} ',') or {@code HH:MM:SS.mmm} (WebVTT, '.'). */
    static String timestamp(double seconds, char separator) {
        long ms = Math.max(0, Math.round(seconds * 1000));
        return String.format(Locale.ROOT, "%02d:%02d:%02d%c%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60,
                separator, ms % 1000);
    }

    static String escapeVtt(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

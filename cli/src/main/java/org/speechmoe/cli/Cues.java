package org.speechmoe.cli;

import java.util.ArrayList;
import java.util.List;
import org.speechmoe.runtime.api.Word;

/**
 * Groups timed words into subtitle cues. A pure function of the words and the rules, tested on made-up words.
 *
 * <p>Words are taken in order; a word starts a new cue when the silence before it (its start minus the previous
 * word's end) is at least {@link Rules#minPauseSeconds}, when the cue would then last longer than
 * {@link Rules#maxCueSeconds} (first word's start to this word's end), or when the cue's text would no longer wrap
 * into {@link Rules#maxLines} lines of at most {@link Rules#maxLineChars} characters (breaking only between words).
 * A single word that breaks a limit on its own (longer than a line, or than the maximum duration) gets a cue to
 * itself. A cue spans its first word's start to its last word's end; its text is wrapped into the fewest lines
 * that fit, as evenly as possible.
 */
final class Cues {
    private Cues() {
    }

    /**
     * The limits of a cue.
     *
     * @param maxLineChars    characters (code points) per line
     * @param maxLines        lines per cue
     * @param minPauseSeconds a silence at least this long between two words ends a cue
     * @param maxCueSeconds   longest cue
     */
    record Rules(int maxLineChars, int maxLines, double minPauseSeconds, double maxCueSeconds) {
        /** 42 characters, 2 lines, a new cue after a 0.5 s pause or 7 s: common broadcast subtitle limits. */
        static final Rules DEFAULT = new Rules(42, 2, 0.5, 7.0);

        Rules {
            if (maxLineChars < 1 || maxLines < 1 || !(minPauseSeconds >= 0) || !(maxCueSeconds > 0)) {
                throw new IllegalArgumentException("bad cue rules: " + maxLineChars + ", " + maxLines + ", "
                        + minPauseSeconds + ", " + maxCueSeconds);
            }
        }
    }

    /** One subtitle: from {@code start} to {@code end} seconds, shown as {@code lines}. */
    record Cue(double start, double end, List<String> lines) {
        Cue {
            lines = List.copyOf(lines);
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    static List<Cue> build(List<Word> words, Rules rules) {
        List<Cue> cues = new ArrayList<>();
        List<Word> current = new ArrayList<>();
        for (Word w : words) {
            if (w.text().isBlank()) {
                continue;
            }
            if (!current.isEmpty()) {
                Word first = current.getFirst();
                Word last = current.getLast();
                current.add(w);
                boolean split = w.start() - last.end() >= rules.minPauseSeconds()
                        || w.end() - first.start() > rules.maxCueSeconds()
                        || !fits(wrap(texts(current), rules.maxLineChars()), rules);
                current.removeLast();
                if (split) {
                    cues.add(cue(current, rules));
                    current.clear();
                }
            }
            current.add(w);
        }
        if (!current.isEmpty()) {
            cues.add(cue(current, rules));
        }
        // words may touch to within rounding; a cue never runs into the next one
        for (int i = 0; i + 1 < cues.size(); i++) {
            Cue c = cues.get(i);
            double next = cues.get(i + 1).start();
            if (c.end() > next) {
                cues.set(i, new Cue(c.start(), Math.max(c.start(), next), c.lines()));
            }
        }
        return cues;
    }

    private static boolean fits(List<String> lines, Rules rules) {
        return lines.size() <= rules.maxLines() && lines.stream().allMatch(l -> length(l) <= rules.maxLineChars());
    }

    private static Cue cue(List<Word> words, Rules rules) {
        return new Cue(words.getFirst().start(), Math.max(words.getFirst().start(), words.getLast().end()),
                balance(texts(words), rules.maxLineChars()));
    }

    private static List<String> texts(List<Word> words) {
        return words.stream().map(w -> w.text().strip()).toList();
    }

    /**
     * The words in as few lines as greedy wrapping at {@code width} gives, made as even as possible: the narrowest
     * width that still needs no more lines.
     */
    static List<String> balance(List<String> words, int width) {
        int lines = wrap(words, width).size();
        int lo = Math.min(width, words.stream().mapToInt(Cues::length).max().orElse(0));
        int hi = width;
        // greedy wrapping never needs more lines at a larger width, so the narrowest width is found by bisection
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (wrap(words, mid).size() <= lines) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return wrap(words, lo);
    }

    /** Greedy wrapping at word boundaries; a word longer than {@code width} gets a line of its own. */
    static List<String> wrap(List<String> words, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int len = 0;
        for (String w : words) {
            int n = length(w);
            if (len > 0 && len + 1 + n > width) {
                lines.add(line.toString());
                line.setLength(0);
                len = 0;
            }
            if (len > 0) {
                line.append(' ');
                len++;
            }
            line.append(w);
            len += n;
        }
        if (len > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}

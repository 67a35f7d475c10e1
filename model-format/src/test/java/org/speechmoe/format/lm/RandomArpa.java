package org.speechmoe.format.lm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A random small ARPA model that obeys the import's rules (every n-gram's context is an n-gram; suffixes may be
 * missing), written with the layout variations toolkits use: spaces or tabs, blank lines, n-grams in any order,
 * back-off weights present or not.
 */
final class RandomArpa {
    private static final List<String> WORDS = List.of("a", "b", "the", "The", "cat", "dog", "é", "日本", "x_y", "ñandú",
            "don't", "3");

    final String text;
    final List<String> vocabulary;
    final int order;

    RandomArpa(Random random) {
        order = 1 + random.nextInt(4);
        List<String> pool = new ArrayList<>(WORDS);
        Collections.shuffle(pool, random);
        List<String> vocab = new ArrayList<>(pool.subList(0, 1 + random.nextInt(pool.size())));
        vocab.add("<s>");
        vocab.add("</s>");
        if (random.nextBoolean()) {
            vocab.add("<unk>");
        }
        Collections.shuffle(vocab, random);
        vocabulary = List.copyOf(vocab);

        List<Map<List<String>, String>> orders = new ArrayList<>();
        Map<List<String>, String> unigrams = new LinkedHashMap<>();
        for (String w : vocab) {
            unigrams.put(List.of(w), w.equals("<s>") ? "-99" : log10(random, 60_000));
        }
        orders.add(unigrams);
        for (int n = 2; n <= order; n++) {
            List<List<String>> contexts = new ArrayList<>(orders.get(n - 2).keySet());
            Set<List<String>> chosen = new LinkedHashSet<>();
            int wanted = random.nextInt(3 * contexts.size() + 1);
            for (int i = 0; i < wanted; i++) {
                List<String> ngram = new ArrayList<>(contexts.get(random.nextInt(contexts.size())));
                ngram.add(vocab.get(random.nextInt(vocab.size())));
                chosen.add(List.copyOf(ngram));
            }
            Map<List<String>, String> probs = new LinkedHashMap<>();
            for (List<String> ngram : chosen) {
                probs.put(ngram, log10(random, 40_000));
            }
            orders.add(probs);
        }

        StringBuilder sb = new StringBuilder(random.nextBoolean() ? "some words before the data\n\n" : "");
        sb.append("\\data\\\n");
        for (int n = 1; n <= order; n++) {
            sb.append("ngram ").append(n).append('=').append(orders.get(n - 1).size()).append('\n');
        }
        for (int n = 1; n <= order; n++) {
            sb.append(random.nextBoolean() ? "\n" : "").append('\\').append(n).append("-grams:\n");
            List<Map.Entry<List<String>, String>> lines = new ArrayList<>(orders.get(n - 1).entrySet());
            Collections.shuffle(lines, random);
            for (Map.Entry<List<String>, String> e : lines) {
                sb.append(e.getValue()).append(blank(random)).append(String.join(blank(random), e.getKey()));
                if (n < order && random.nextInt(4) > 0) {
                    sb.append(blank(random)).append(random.nextBoolean() ? "" : "-")
                            .append(log10(random, 20_000).substring(1));
                }
                sb.append(random.nextInt(10) == 0 ? "\n\n" : "\n");
            }
        }
        sb.append("\n\\end\\\n");
        text = sb.toString();
    }

    /** A random sentence of known words (not {@code <s>}) and unknown ones. */
    List<String> sentence(Random random) {
        List<String> s = new ArrayList<>();
        for (int i = random.nextInt(9); i > 0; i--) {
            String w = random.nextInt(5) == 0 ? "unknown" + random.nextInt(2)
                    : vocabulary.get(random.nextInt(vocabulary.size()));
            s.add(w.equals("<s>") ? "cat" : w);
        }
        return s;
    }

    private static String blank(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> "\t";
            case 1 -> "  ";
            case 2 -> " \t ";
            default -> " ";
        };
    }

    /** A log10 probability in (-range / 10000, 0] with four decimals. */
    private static String log10(Random random, int range) {
        int v = random.nextInt(range);
        return "-" + v / 10_000 + "." + Integer.toString(10_000 + v % 10_000).substring(1);
    }
}

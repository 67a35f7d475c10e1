package org.speechmoe.format.lm;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the language model tests share: the committed test model, conversions, scoring a sentence. */
final class LmTesting {
    static final Path SMALL_ARPA = Path.of("..", "testdata", "lm", "small.arpa");
    static final double LN_10 = Math.log(10);

    private LmTesting() {
    }

    static BackoffModel read(String arpa) throws IOException {
        return ArpaReader.read(new ByteArrayInputStream(arpa.getBytes(StandardCharsets.UTF_8)), "test.arpa",
                "test.arpa");
    }

    /** Converts ARPA text into an .smlm file in {@code dir}. */
    static Path convert(String arpa, Path dir, String name) throws IOException {
        Path out = dir.resolve(name);
        SmlmWriter.write(read(arpa), out);
        return out;
    }

    /** Deletes a directory of files, as the properties leave theirs (jqwik has no temporary directories of its own). */
    static void deleteDirectory(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** The log10 probability of each word of {@code sentence}, then of its end, as {@code model} scores them. */
    static List<Double> sentence(NgramModel model, List<String> sentence) {
        List<Double> scores = new ArrayList<>();
        long[] next = new long[1];
        long state = model.startState();
        for (String w : sentence) {
            scores.add(model.score(state, model.wordId(w), next) / LN_10);
            state = next[0];
        }
        scores.add(model.endScore(state) / LN_10);
        return scores;
    }
}

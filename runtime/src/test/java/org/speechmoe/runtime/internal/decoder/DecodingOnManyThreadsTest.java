package org.speechmoe.runtime.internal.decoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** One decoder, with a language model, the lexicon and hotwords, shared by threads decoding at once. */
class DecodingOnManyThreadsTest {
    private static final List<String> LETTERS = HotwordAutomatonTest.letters();
    private static final int THREADS = 4;

    @Test
    void everyThreadGetsWhatOneThreadGets() throws Exception {
        List<String> words = new ArrayList<>();
        for (char a = 'a'; a <= 'z'; a++) {
            words.add(String.valueOf(a));
            for (char b = 'a'; b <= 'z'; b += 3) {
                words.add("" + a + b);
            }
        }
        SearchOptions options = SearchOptions.builder(8).alternatives(4)
                .languageModel(TrigramTestModel.random(words, 11, 0.01, 0.0001), 0.8, 0.5)
                .unknownWordPenalty(-2).lexiconConstrained(true)
                .hotwords(List.of(SearchOptions.Hotword.of("ab"), SearchOptions.Hotword.of("z a", 2)), 0.7).build();
        BeamDecoder decoder = new BeamDecoder(options, LETTERS);
        List<LogProbs> inputs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            inputs.add(DecodingSpeedTest.speechLike(120, LETTERS.size(), 100 + i));
        }
        List<SearchResult> expected = inputs.stream().map(decoder::decode).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
            List<Future<List<SearchResult>>> runs = new ArrayList<>();
            for (int r = 0; r < THREADS; r++) {
                int shift = r;
                runs.add(pool.submit(() -> {
                    List<SearchResult> out = new ArrayList<>();
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < inputs.size(); i++) {
                            out.add(decoder.decode(inputs.get((i + shift) % inputs.size())));
                        }
                    }
                    return out;
                }));
            }
            for (int r = 0; r < THREADS; r++) {
                List<SearchResult> got = runs.get(r).get();
                for (int k = 0; k < got.size(); k++) {
                    assertEquals(expected.get((k % inputs.size() + r) % inputs.size()), got.get(k),
                            "thread " + r + ", decode " + k);
                }
            }
        }
    }
}

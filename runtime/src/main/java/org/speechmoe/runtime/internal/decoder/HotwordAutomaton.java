package org.speechmoe.runtime.internal.decoder;

import it.unimi.dsi.fastutil.ints.IntArrayFIFOQueue;
import java.util.Arrays;

/**
 * Contextual biasing after sherpa-onnx's ContextGraph: an Aho-Corasick automaton over the characters of the hotword
 * phrases, which the search steps along the text a prefix spells (as {@link Vocabulary} writes it). Immutable.
 *
 * <p>What a text earns, as a function of the text alone (so merging prefixes stays exact):
 * <ul>
 * <li>Every occurrence of a phrase in the text earns the phrase's bonus, overlapping occurrences included: "a full
 *     match keeps its bonus", and matching goes on, so the phrase can match again.</li>
 * <li>A phrase's bonus is the sum of its characters' boosts: its boost per character (spaces between its words
 *     included). Where phrases share a beginning, those characters earn the largest of their boosts.</li>
 * <li>While the search runs, a prefix also earns the boosts of the characters of its unfinished match (the longest
 *     end of its text that begins a phrase), beyond the longest phrase that match already completes; this steers the
 *     beam toward a phrase before it is complete. When the match fails that partial bonus is taken back (the state
 *     falls back along the failure links and earns only what the shorter match there is worth), and at the end of
 *     the utterance it is taken back entirely.</li>
 * <li>A phrase matches only where a word starts: the automaton reads a space before the text and a phrase is
 *     stored with a leading space that earns nothing. A phrase that starts with a CJK character matches anywhere,
 *     since every CJK character is a word of its own. Its end need not be a word's end ("cat" earns in "cats").</li>
 * </ul>
 * A zero boost everywhere earns exactly 0.
 */
final class HotwordAutomaton {
    private final CharTrie trie;
    /** The node of the longest proper suffix of a node's string that is also in the trie. */
    private final int[] failure;
    /** Sum of the bonuses of the phrases that end at a node: its own and those ending in its suffixes. */
    private final double[] completed;
    /** What a prefix in this state earns for its unfinished match. */
    private final double[] partial;
    private final int start;

    /**
     * @param phrases normalized ({@link Vocabulary#normalize}), not empty
     * @param boosts  each phrase's bonus per character
     */
    HotwordAutomaton(String[] phrases, double[] boosts) {
        String[] keys = new String[phrases.length];
        int[] index = new int[phrases.length];
        for (int i = 0; i < phrases.length; i++) {
            if (phrases[i].isEmpty()) {
                throw new IllegalArgumentException("empty hotword");
            }
            keys[i] = anchored(phrases[i]) ? Vocabulary.SPACE + phrases[i] : phrases[i];
            index[i] = i;
        }
        trie = CharTrie.of(keys, index);
        int nodes = trie.nodes();
        double[] charBoost = new double[nodes];
        Arrays.fill(charBoost, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < keys.length; i++) {
            int node = CharTrie.ROOT;
            for (int at = 0; at < keys[i].length(); at++) {
                node = trie.child(node, keys[i].charAt(at));
                boolean anchor = at == 0 && anchored(phrases[i]);
                charBoost[node] = Math.max(charBoost[node], anchor ? 0 : boosts[i]);
            }
        }
        failure = new int[nodes];
        completed = new double[nodes];
        partial = new double[nodes];
        double[] matched = new double[nodes];
        double[] paid = new double[nodes];
        // Breadth first, so that a node's failure target, which is shallower, is done before it.
        IntArrayFIFOQueue queue = new IntArrayFIFOQueue();
        queue.enqueue(CharTrie.ROOT);
        while (!queue.isEmpty()) {
            int node = queue.dequeueInt();
            for (int e = trie.firstEdge(node); e < trie.endEdge(node); e++) {
                int child = trie.edgeTarget(e);
                char c = trie.edgeChar(e);
                failure[child] = node == CharTrie.ROOT ? CharTrie.ROOT : next(failure[node], c);
                matched[child] = matched[node] + charBoost[child];
                boolean phraseEnd = trie.value(child) != CharTrie.NONE;
                paid[child] = phraseEnd ? matched[child] : paid[node];
                partial[child] = matched[child] - paid[child];
                completed[child] = (phraseEnd ? matched[child] : 0) + completed[failure[child]];
                queue.enqueue(child);
            }
        }
        start = next(CharTrie.ROOT, Vocabulary.SPACE);
    }

    private static boolean anchored(String phrase) {
        return !PieceKind.isCjk(phrase.codePointAt(0));
    }

    /** The state before any text: after the space the automaton reads first. */
    int start() {
        return start;
    }

    /** The state after reading {@code c} in {@code state}. */
    int next(int state, char c) {
        int node = state;
        while (true) {
            int child = trie.child(node, c);
            if (child != CharTrie.NONE) {
                return child;
            }
            if (node == CharTrie.ROOT) {
                return CharTrie.ROOT;
            }
            node = failure[node];
        }
    }

    /** The bonus of the phrases whose occurrence the step into {@code state} completes. */
    double completed(int state) {
        return completed[state];
    }

    /** The bonus a prefix in {@code state} holds for its unfinished match. */
    double partial(int state) {
        return partial[state];
    }
}

package org.speechmoe.runtime.internal.decoder;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.speechmoe.format.lm.NgramModel;

/**
 * The words a language model knows, as a {@link CharTrie} whose values are the model's word ids: what the lexicon
 * constraint walks to keep a prefix's current word a beginning of some known word. {@code <unk>}, {@code <s>} and
 * {@code </s>} are left out, so the {@code <unk>} piece, too, is refused under the constraint.
 *
 * <p>The trie works on characters, so it depends on the model only, not on the vocabulary of pieces, and the model
 * must spell words as the vocabulary does (lowercase for the default model). One is built per model, on first
 * request, and shared by every search over that model; building costs a sort of the words and a step per character
 * (a 200 000-word model: well under a second, about 15 MiB; {@code LexiconTest} holds it to that).
 */
final class Lexicon {
    /** Weak keys: a lexicon lives as long as its model does; it holds no reference back to the model. */
    private static final Map<NgramModel, CharTrie> BUILT = Collections.synchronizedMap(new WeakHashMap<>());

    private Lexicon() {
    }

    /** The lexicon of {@code model}, built the first time a search asks for it. */
    static CharTrie of(NgramModel model) {
        return BUILT.computeIfAbsent(model, Lexicon::build);
    }

    static CharTrie build(NgramModel model) {
        int size = model.vocabularySize();
        String[] words = new String[size];
        int[] ids = new int[size];
        int count = 0;
        for (int id = 0; id < size; id++) {
            String word = model.word(id);
            if (id != NgramModel.UNKNOWN_WORD && !word.isEmpty() && !word.equals("<s>") && !word.equals("</s>")
                    && !word.equals(PieceKind.UNKNOWN_PIECE)) {
                words[count] = word;
                ids[count++] = id;
            }
        }
        return CharTrie.of(Arrays.copyOf(words, count), Arrays.copyOf(ids, count));
    }
}

package org.speechmoe.testkit;

import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A new label for each expert of each MoE layer: expert {@code e} of layer {@code l} becomes expert
 * {@code labels[l][e]}.
 *
 * @param labels per layer, a permutation of the experts
 */
public record Relabelling(int[][] labels) {
    @Override
    public String toString() {
        return IntStream.range(0, labels.length).mapToObj(l -> "layer " + l + ": " + Arrays.toString(labels[l]))
                .collect(Collectors.joining(", ", "relabelling {", "}"));
    }
}

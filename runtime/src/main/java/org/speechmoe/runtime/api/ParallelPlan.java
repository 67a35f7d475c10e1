package org.speechmoe.runtime.api;

/**
 * How a budget of threads is spent on several independent inputs (files, requests): {@code recognizers} recognizers
 * work in parallel, one per thread of the caller's pool, each with the kernel threads of {@code each}. Parallel files
 * scale better than parallel kernels on one file, so every input gets its own recognizer until the budget runs out;
 * a single input gets all the threads. Made by {@link RecognizerOptions#planFor(int)}.
 *
 * @param recognizers how many recognizers (and worker threads) to run: {@code min(threads, inputs)}, at least 1
 * @param each        the options of each recognizer: {@code max(1, threads / recognizers)} kernel threads
 */
public record ParallelPlan(int recognizers, RecognizerOptions each) {
}

package org.speechmoe.runtime.internal.backend.vector;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.speechmoe.runtime.internal.backend.Backend.RowRange;

/**
 * The parallel loop every vector kernel runs its items on: the calling thread plus up to {@code threads - 1} tasks
 * of a {@link ForkJoinPool}, taking items from a shared counter. Problems under a threshold of work stay on the
 * calling thread, where forking would cost more than it saves.
 *
 * <p>Each participant of a loop gets a slot in {@code [0, threads)}: 0 for the calling thread, one of the others for
 * each task, no two at the same time. Kernels index their scratch by slot ({@link KernelScratch}), so that scratch
 * belongs to the backend instance rather than to whichever pool thread runs a task. A loop serves one caller at a
 * time: two concurrent callers would hand out the same slots.
 */
final class ParallelLoop {
    /** Multiply-adds below which an operation stays on the calling thread. */
    static final long PARALLEL_MIN_WORK = 1L << 20;

    private static final ConcurrentHashMap<Integer, ForkJoinPool> SHARED_POOLS = new ConcurrentHashMap<>();

    private final int threads;
    private final ForkJoinPool pool;
    private final long parallelMinWork;

    /**
     * Splits each loop into at most {@code threads} parts, run by the calling thread and {@code pool} (null when
     * {@code threads == 1}); loops under {@code parallelMinWork} stay on the calling thread.
     */
    ParallelLoop(int threads, ForkJoinPool pool, long parallelMinWork) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        if (threads > 1 && pool == null) {
            throw new IllegalArgumentException("a pool is needed for " + threads + " threads");
        }
        this.threads = threads;
        this.pool = pool;
        this.parallelMinWork = parallelMinWork;
    }

    /**
     * The daemon pool of {@code workers} threads that every backend of that size in this JVM shares, so that backends
     * made per recognizer do not each start their own threads.
     */
    static ForkJoinPool sharedPool(int workers) {
        return SHARED_POOLS.computeIfAbsent(workers, n -> {
            AtomicInteger count = new AtomicInteger();
            return new ForkJoinPool(n, p -> {
                var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                t.setName("speechmoe-vector-" + n + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, null, false);
        });
    }

    int threads() {
        return threads;
    }

    /**
     * Runs {@code body(i)} for {@code i < items}: each participant builds its body (bound to its scratch) with
     * {@code perSlot.apply(slot)} and takes items from a shared counter.
     */
    void forEach(int items, long work, IntFunction<IntConsumer> perSlot) {
        int workers = (int) Math.min(work >= parallelMinWork ? threads : 1, items);
        if (workers <= 1) {
            if (items > 0) {
                IntConsumer body = perSlot.apply(0);
                for (int i = 0; i < items; i++) {
                    body.accept(i);
                }
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[workers - 1];
        for (int k = 0; k < tasks.length; k++) {
            int slot = k + 1;
            tasks[k] = pool.submit(() -> drain(next, items, perSlot, slot));
        }
        Throwable failure = null;
        try {
            drain(next, items, perSlot, 0);
        } catch (Throwable t) {
            failure = t;
        }
        for (ForkJoinTask<?> task : tasks) {
            try {
                task.join();
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else {
                    failure.addSuppressed(t);
                }
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new RuntimeException(failure);
        }
    }

    /** Takes items from {@code next} until none are left; builds the body on the first, if any. */
    private static void drain(AtomicInteger next, int items, IntFunction<IntConsumer> perSlot, int slot) {
        IntConsumer body = null;
        for (int i; (i = next.getAndIncrement()) < items; ) {
            if (body == null) {
                body = perSlot.apply(slot);
            }
            body.accept(i);
        }
    }

    /** Runs {@code body(from, to)} over row ranges; {@code costPerRow} weighs the split against its overhead. */
    void forRows(int rows, long costPerRow, RowRange body) {
        if (rows <= 0) {
            return;
        }
        int chunk = Math.max(1, Math.ceilDiv(rows, 4 * threads));
        forEach(Math.ceilDiv(rows, chunk), costPerRow * rows, slot -> item -> body.run(item * chunk,
                Math.min(rows, (item + 1) * chunk)));
    }
}

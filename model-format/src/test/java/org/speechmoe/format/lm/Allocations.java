package org.speechmoe.format.lm;

import java.lang.reflect.Method;

/**
 * Bytes this thread has allocated so far, from {@code com.sun.management.ThreadMXBean}. Reached by reflection: the
 * tests are compiled into the module, which does not read java.management, and run on the class path, which does.
 */
final class Allocations {
    private static final Object THREADS;
    private static final Method ALLOCATED;

    static {
        try {
            THREADS = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            ALLOCATED = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Allocations() {
    }

    static long current() {
        try {
            return (long) ALLOCATED.invoke(THREADS);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}

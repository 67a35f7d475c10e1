package org.speechmoe.runtime.internal.backend.vector;

import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Skips a container of vector properties when {@code -Dspeechmoe.vectorBits} asks for a width this machine's vectors
 * are too narrow for: the test executions at each width run everywhere, and only the widths a machine has are tested
 * on it ({@link VectorWidthTest} checks that the backend refuses the others).
 */
public final class SkipAtUnsupportedWidth implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        return VectorWidth.requestedTooWide()
                ? SkipResult.skip("-D" + VectorWidth.PROPERTY + "=" + VectorWidth.REQUESTED + " is wider than this "
                        + "machine's " + VectorWidth.MACHINE_BITS + "-bit vectors")
                : SkipResult.doNotSkip();
    }
}

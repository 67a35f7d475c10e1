package org.speechmoe.runtime.internal.moe;

import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.backend.vector.SkipAtUnsupportedWidth;

/** The routing invariants again, with the MoE sublayer's matrix work on the vector backend. */
@AddLifecycleHook(SkipAtUnsupportedWidth.class)
class VectorRoutingProperties extends RoutingProperties {
    @Override
    Backend backend() {
        return Backends.named("vector", 2);
    }

    @Override
    float regroupingTolerance() {
        return 1e-5f;
    }
}

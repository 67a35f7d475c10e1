package org.speechmoe.testkit;

import java.nio.file.Path;
import org.speechmoe.format.DType;

/**
 * A user's test class run while {@link NeighbourDispatchProvider} plants its bug; {@link PlantedBugTest} runs it and
 * reads the report (its name keeps the build from running it on its own).
 */
class NeighbourDispatchBug extends RoutingProperties {
    @Override
    protected Path model() {
        return KitFixtures.smoe("ctc_bn_relu_e4_bias", DType.F32);
    }
}

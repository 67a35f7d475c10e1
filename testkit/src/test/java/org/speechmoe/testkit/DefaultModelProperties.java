package org.speechmoe.testkit;

import java.nio.file.Path;
import java.util.List;

/**
 * The kit on the default model, with excerpts of the bundled samples besides generated signals: what a user's test
 * class looks like.
 */
class DefaultModelProperties extends RoutingProperties {
    @Override
    protected Path model() {
        return KitFixtures.defaultModel();
    }

    @Override
    protected List<Path> audio() {
        return List.of(Path.of("..", "samples", "synthetic-espeak.wav"),
                Path.of("..", "samples", "asterisk-all-circuits-busy-now.wav"));
    }

    /** Keeps the build's run short: the model is the largest the build checks. */
    @Override
    protected double maxSeconds() {
        return 1.2;
    }
}

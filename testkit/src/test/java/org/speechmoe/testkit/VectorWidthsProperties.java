package org.speechmoe.testkit;

import java.nio.file.Path;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.spi.BackendUnavailableException;

/**
 * The kit on a model with q8 experts (the most width-dependent kernels), which the build runs again at each narrower
 * vector width ({@code -Dspeechmoe.vectorBits}, see the pom): every width is then held to the scalar specification.
 * Skipped where this machine's vectors are narrower than the width asked for; fewer tries, as it runs once per
 * width.
 */
@AddLifecycleHook(VectorWidthsProperties.SkipAtUnsupportedWidth.class)
@PropertyDefaults(tries = 4)
class VectorWidthsProperties extends RoutingProperties {
    @Override
    protected Path model() {
        return KitFixtures.smoe("aed_bn_swish_e16", DType.Q8);
    }

    static final class SkipAtUnsupportedWidth implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            try (SpeechMoeModel m = SpeechMoeModel.open(KitFixtures.smoe("aed_bn_swish_e16", DType.Q8))) {
                m.newRecognizer(RecognizerOptions.defaults().withBackend("vector")).close();
                return SkipResult.doNotSkip();
            } catch (BackendUnavailableException e) {
                return SkipResult.skip(e.getMessage());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}

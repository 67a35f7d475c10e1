package org.speechmoe.testkit;

import java.nio.file.Path;
import net.jqwik.api.Group;
import org.speechmoe.format.DType;

/**
 * The kit on every fixture model (as a user's test class would run it), with f32 experts, and on one fixture each with
 * f16, bf16 and q8 experts; the default model has its own class ({@link DefaultModelProperties}).
 */
class FixtureModelsProperties {
    @Group
    class CtcLnSwishE2 extends RoutingProperties {
        @Override
        protected Path model() {
            return KitFixtures.smoe("ctc_ln_swish_e2", DType.F32);
        }
    }

    @Group
    class CtcBnReluE4Bias extends RoutingProperties {
        @Override
        protected Path model() {
            return KitFixtures.smoe("ctc_bn_relu_e4_bias", DType.F32);
        }
    }

    @Group
    class AedLnSwishE8Keep extends RoutingProperties {
        @Override
        protected Path model() {
            return KitFixtures.smoe("aed_ln_swish_e8_keep", DType.F32);
        }
    }

    @Group
    class AedBnSwishE16 extends RoutingProperties {
        @Override
        protected Path model() {
            return KitFixtures.smoe("aed_bn_swish_e16", DType.F32);
        }
    }

    @Group
    class CtcLnReluE6D36 extends RoutingProperties {
        @Override
        protected Path model() {
            return KitFixtures.smoe("ctc_ln_relu_e6_d36", DType.F32);
        }
    }

    @Group
    class CtcBnSwishE3NoMacaron extends RoutingProperties {
        @Override
        protected Path model() {
            return KitFixtures.smoe("ctc_bn_swish_e3_nomacaron", DType.F32);
        }
    }

    @Group
    class AedBnSwishE16F16 extends RoutingProperties {
        @Override
        protected Path model() {
            return KitFixtures.smoe("aed_bn_swish_e16", DType.F16);
        }
    }

    @Group
    class CtcBnReluE4BiasBf16 extends RoutingProperties {
        @Override
        protected Path model() {
            return KitFixtures.smoe("ctc_bn_relu_e4_bias", DType.BF16);
        }
    }

    @Group
    class AedLnSwishE8KeepQ8 extends RoutingProperties {
        @Override
        protected Path model() {
            return KitFixtures.smoe("aed_ln_swish_e8_keep", DType.Q8);
        }
    }
}

package org.speechmoe.format.graph;

/** The mixture-of-experts feed-forward of every main-encoder block ({@code moe_conf}). */
public record MoeConfig(int numExperts, int hiddenUnits, boolean routerWithBias, boolean keepExpertOutput) {
    public MoeConfig {
        EncoderConfig.require(numExperts >= 1, "num_experts must be at least 1, got " + numExperts);
        EncoderConfig.require(hiddenUnits > 0, "hidden_units must be positive, got " + hiddenUnits);
    }
}

/**
 * The SpeechMoE inference runtime. {@code jdk.incubator.vector} is optional: without it (the JVM needs
 * {@code --add-modules jdk.incubator.vector}) the scalar backend runs.
 */
module org.speechmoe.runtime {
    requires transitive org.speechmoe.format;
    requires transitive java.desktop;
    requires static jdk.incubator.vector;
    requires it.unimi.dsi.fastutil;

    exports org.speechmoe.runtime.api;
    exports org.speechmoe.runtime.audio;
    exports org.speechmoe.runtime.backend;
    exports org.speechmoe.runtime.decoder;
    exports org.speechmoe.runtime.encoder;
    exports org.speechmoe.runtime.features;
    exports org.speechmoe.runtime.io;
    exports org.speechmoe.runtime.model;
    exports org.speechmoe.runtime.moe;

    uses org.speechmoe.runtime.backend.ExpertOffloadProvider;
}

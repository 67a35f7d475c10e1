/**
 * The SpeechMoE inference runtime. Applications use {@code org.speechmoe.runtime.api}; accelerator modules implement
 * {@code org.speechmoe.runtime.spi}. Everything under {@code internal} may change in any release.
 *
 * <p>{@code jdk.incubator.vector} is optional: without it (the JVM needs {@code --add-modules jdk.incubator.vector})
 * the scalar backend runs. {@code java.desktop} is needed for Java Sound ({@code javax.sound.sampled}): the API
 * accepts an {@code AudioInputStream}, so it is required transitively. Compressed audio (FLAC, MP3, Ogg Vorbis) is read
 * through Java Sound providers found with {@code ServiceLoader}; {@code speechmoe-audio-codecs} brings them.
 */
module org.speechmoe.runtime {
    requires transitive org.speechmoe.format;
    requires transitive java.desktop;
    requires static jdk.incubator.vector;
    requires it.unimi.dsi.fastutil.core;

    exports org.speechmoe.runtime.api;
    exports org.speechmoe.runtime.spi;

    uses org.speechmoe.runtime.spi.ExpertOffloadProvider;
    // FLAC, MP3 and Ogg Vorbis decoders (module speechmoe-audio-codecs, or any Java Sound provider) and the JDK's own
    uses javax.sound.sampled.spi.AudioFileReader;
}

/**
 * The .smoe model file format (writer, memory-mapped reader, codecs, the SpeechMoE graph's tensor list) and the
 * language models a decoder queries.
 */
module org.speechmoe.format {
    exports org.speechmoe.format;
    exports org.speechmoe.format.graph;
    exports org.speechmoe.format.lm;
}

/** The .smoe model file format: writer, memory-mapped reader, codecs, and the SpeechMoE graph's tensor list. */
module org.speechmoe.format {
    exports org.speechmoe.format;
    exports org.speechmoe.format.graph;
}

/** Imports 3m-asr / WeNet checkpoints (PyTorch zip or safetensors) into .smoe files. */
module org.speechmoe.converter {
    requires transitive org.speechmoe.format;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    // net.razorvine:pickle 1.5 declares no module name; its file name gives it "pickle"
    requires pickle;

    exports org.speechmoe.converter;
    exports org.speechmoe.converter.checkpoint;
}

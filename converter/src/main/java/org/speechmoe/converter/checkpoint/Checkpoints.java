package org.speechmoe.converter.checkpoint;

import java.nio.file.Path;

/** Opens a checkpoint with the reader its content calls for, whatever the file is named. */
public final class Checkpoints {
    private Checkpoints() {
    }

    /** A zip is a PyTorch checkpoint; an 8-byte length followed by '{' is safetensors; anything else is explained. */
    public static Checkpoint open(Path file) throws CheckpointException {
        byte[] head = FileHead.read(file, Long.BYTES + 1);
        if (!FileHead.startsWith(head, TorchCheckpointReader.ZIP_MAGIC) && head.length > Long.BYTES
                && head[Long.BYTES] == '{') {
            return SafetensorsReader.open(file);
        }
        return TorchCheckpointReader.open(file);
    }
}

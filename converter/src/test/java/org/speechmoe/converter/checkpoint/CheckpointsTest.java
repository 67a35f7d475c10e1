package org.speechmoe.converter.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.speechmoe.converter.checkpoint.TestFiles.assertRefused;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
    @TempDir
    Path dir;

    /** Each reader refuses the other's format, so opening both proves the choice. */
    @Test
    void readerIsChosenByContentNotName() throws IOException {
        Path torchNamedSafetensors = Files.copy(TestFiles.resource("dtypes.pt"), dir.resolve("model.safetensors"));
        Path safetensorsNamedPt = Files.copy(TestFiles.resource("dtypes.safetensors"), dir.resolve("final.pt"));
        try (Checkpoint torch = Checkpoints.open(torchNamedSafetensors); Checkpoint st = Checkpoints.open(safetensorsNamedPt)) {
            assertEquals(torchNamedSafetensors, torch.path());
            assertEquals(torch.tensors().keySet(), st.tensors().keySet());
        }
    }

    @Test
    void legacyAndGarbageAreExplained() throws IOException {
        Path legacy = TestFiles.CHECKPOINTS.resolve("legacy.pt");
        if (Files.exists(legacy)) {
            assertRefused(() -> Checkpoints.open(legacy), "is a legacy (pre-1.6) PyTorch checkpoint: re-save it");
        }
        Path garbage = Files.writeString(dir.resolve("weights.bin"), "#!/bin/sh\necho not weights\n");
        assertRefused(() -> Checkpoints.open(garbage), "weights.bin: not a PyTorch checkpoint (not a zip archive)");
        Path empty = Files.write(dir.resolve("empty.pt"), new byte[0]);
        assertRefused(() -> Checkpoints.open(empty), "empty.pt: not a PyTorch checkpoint (not a zip archive)");
    }

}

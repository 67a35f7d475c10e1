package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.spi.BackendUnavailableException;
import org.speechmoe.runtime.internal.backend.Backends;
import org.speechmoe.runtime.internal.backend.RecordingOffloadProvider;
import org.speechmoe.runtime.internal.backend.RecordingOffloadProvider.RecordingOffload;
import org.speechmoe.runtime.api.SpeechMoeModel;

/** The GPU seam: the device is found through ServiceLoader, owned by the model, and given every MoE layer's experts. */
class ExpertOffloadTest {
    @Test
    void gpuRecognizersShareOneOffloadThatRunsEveryMoeLayerAndClosesWithTheModel() throws IOException {
        String model = ReferenceFixtures.models().getFirst();
        Path audio = ReferenceFixtures.wav(ReferenceFixtures.utterances(model).getFirst());
        RecognizerOptions cpu = RecognizerOptions.defaults().withBackend("scalar").withThreads(1);
        int opened = RecordingOffloadProvider.OPENED.get();
        RecordingOffload offload;
        try (SpeechMoeModel m = SpeechMoeModel.open(ReferenceFixtures.smoe(model, DType.F32))) {
            Logits want = m.newRecognizer(cpu).logits(audio);
            Recognizer first = m.newRecognizer(cpu.withDevice("gpu"));
            Recognizer second = m.newRecognizer(cpu.withDevice("gpu"));
            assertEquals(opened + 1, RecordingOffloadProvider.OPENED.get(), "one offload per model");
            offload = RecordingOffloadProvider.OFFLOADS.getLast();
            assertSame(offload, m.offload("gpu"));
            Logits got = first.logits(audio);
            second.logits(audio);
            assertArrayEquals(want.logProbs(), got.logProbs());
            assertArrayEquals(want.routes(), got.routes());
            assertEquals(2 * m.config().encoder().numBlocks(), offload.calls.get(), "one call per MoE block");
            assertTrue(!offload.closed);
        }
        assertTrue(offload.closed, "closing the model frees the device");
    }

    @Test
    void aDeviceNoModuleProvidesIsRefusedWithWhatToDo() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.offload("tpu"));
        assertTrue(e.getMessage().contains("-Ptornado") && e.getMessage().contains("TORNADOVM_HOME"), e.getMessage());
    }

    @Test
    void devicesOtherThanCpuAndGpuAreNotOptions() {
        assertThrows(IllegalArgumentException.class, () -> RecognizerOptions.defaults().withDevice("npu"));
    }
}

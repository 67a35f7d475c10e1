package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.ReferenceFixtures;
import org.speechmoe.runtime.internal.audio.Samples;
import org.speechmoe.runtime.internal.audio.WavReader;
import org.speechmoe.runtime.api.SpeechMoeModel;

/** A file, a Java Sound stream, float samples and 16-bit PCM of the same audio give the same transcript. */
class AudioInputsTest {
    @Test
    void everyWayToPassAudioGivesTheSameTranscript() throws Exception {
        Path wav = ReferenceFixtures.wav("mixed");
        try (SpeechMoeModel m = SpeechMoeModel.open(ReferenceFixtures.smoe("ctc_ln_relu_e6_d36", DType.F32));
             Recognizer r = m.newRecognizer()) {
            Transcript fromFile = r.transcribe(wav);
            Samples s = WavReader.read(wav);
            assertEquals(fromFile.tokens(), r.transcribe(s.samples(), s.sampleRate()).tokens());
            short[] pcm = new short[s.samples().length];
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = (short) Math.round(s.samples()[i] * 32768f);
            }
            assertEquals(fromFile.tokens(), r.transcribe(pcm, s.sampleRate()).tokens());
            try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
                assertEquals(fromFile.tokens(), r.transcribe(in).tokens());
            }
            // the same samples as big-endian 16-bit stereo (both channels equal) through Java Sound
            ByteBuffer be = ByteBuffer.allocate(pcm.length * 4).order(ByteOrder.BIG_ENDIAN);
            for (short v : pcm) {
                be.putShort(v).putShort(v);
            }
            AudioFormat format = new AudioFormat(s.sampleRate(), 16, 2, true, true);
            try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(be.array()), format, pcm.length)) {
                assertEquals(fromFile.tokens(), r.transcribe(in).tokens());
            }
        }
    }
}

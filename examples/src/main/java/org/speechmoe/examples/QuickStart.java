package org.speechmoe.examples;

import java.nio.file.Path;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.Transcript;
import org.speechmoe.runtime.api.SpeechMoeModel;

/** The README's Java snippet, compiled by the build (a test checks that the README shows exactly these lines). */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) throws Exception {
        // README snippet begins
        try (SpeechMoeModel model = SpeechMoeModel.open(Path.of(args[0]));
             Recognizer recognizer = model.newRecognizer()) {
            Transcript transcript = recognizer.transcribe(Path.of(args[1]));
            System.out.println(transcript.text());
        }
        // README snippet ends
    }
}

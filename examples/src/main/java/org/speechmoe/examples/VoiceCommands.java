package org.speechmoe.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.speechmoe.runtime.api.Alternative;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.api.Transcript;

/**
 * A voice-command recognizer: the default model restricted to the phrases of a grammar file (one a line), printing
 * per recording the command heard, or "(rejected)" when the recording is none of them, and the runner-up.
 * {@code VoiceCommands grammar.txt a.wav b.wav ...}
 */
public final class VoiceCommands {
    private VoiceCommands() {
    }

    public static void main(String[] args) throws Exception {
        List<String> commands = Files.readAllLines(Path.of(args[0])).stream().filter(l -> !l.isBlank()).toList();
        RecognizerOptions options = RecognizerOptions.defaults().withGrammar(commands).withAlternatives(2);
        try (SpeechMoeModel model = SpeechMoeModel.openDefault();
             Recognizer recognizer = model.newRecognizer(options)) {
            for (String file : Arrays.asList(args).subList(1, args.length)) {
                Transcript t = recognizer.transcribe(Path.of(file));
                String heard = t.rejected() ? "(rejected)" : t.text();
                List<Alternative> a = t.alternatives();
                String runnerUp = a.size() > 1 ? String.format(" (or '%s', %.2f)", a.get(1).text(),
                        a.get(1).confidence()) : "";
                System.out.println(file + "\t" + heard + runnerUp);
            }
        }
    }
}

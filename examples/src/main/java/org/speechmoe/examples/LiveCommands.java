package org.speechmoe.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.speechmoe.runtime.api.AudioSource;
import org.speechmoe.runtime.api.RecognizerOptions;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.api.StreamOptions;
import org.speechmoe.runtime.api.StreamingRecognizer;
import org.speechmoe.runtime.api.Utterance;

/**
 * Voice commands from live audio: the default model restricted to a grammar's phrases, fed 20 ms at a time as a
 * capture line delivers audio, printing each command as soon as its speaker pauses, with its time in the stream, or
 * "(not a command)" for other speech. {@code LiveCommands grammar.txt audio.wav|-} ({@code -}: a WAV on stdin).
 */
public final class LiveCommands {
    private LiveCommands() {
    }

    public static void main(String[] args) throws Exception {
        List<String> commands = Files.readAllLines(Path.of(args[0])).stream().filter(l -> !l.isBlank()).toList();
        RecognizerOptions options = RecognizerOptions.defaults().withGrammar(commands);
        StreamOptions pauses = StreamOptions.defaults().withSilenceAfterSpeech(0.6);
        try (SpeechMoeModel model = SpeechMoeModel.openDefault();
             StreamingRecognizer stream = model.newStream(options, pauses);
             AudioSource audio = args[1].equals("-") ? AudioSource.open(System.in, "stdin")
                     : AudioSource.open(Path.of(args[1]))) {
            float[] block = new float[audio.sampleRate() / 50];
            for (int n; (n = audio.read(block)) >= 0; ) {
                stream.accept(block, 0, n, audio.sampleRate()).forEach(LiveCommands::print);
            }
            stream.finish().forEach(LiveCommands::print);
        }
    }

    private static void print(Utterance u) {
        String heard = u.transcript().rejected() ? "(not a command)" : u.transcript().text();
        System.out.println(String.format(Locale.ROOT, "%6.2f %6.2f %s", u.start(), u.end(), heard));
    }
}

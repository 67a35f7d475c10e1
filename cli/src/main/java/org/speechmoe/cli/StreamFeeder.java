package org.speechmoe.cli;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.speechmoe.runtime.api.AudioSource;
import org.speechmoe.runtime.api.StreamingRecognizer;
import org.speechmoe.runtime.api.Utterance;

/** Feeds a stream from an audio source block by block, printing results as they come, and finishes it at the end. */
final class StreamFeeder {
    private StreamFeeder() {
    }

    /**
     * Runs until the source ends or {@code stop} says so.
     *
     * @return seconds of audio taken
     */
    static double run(AudioSource source, StreamingRecognizer stream, StreamingOptions options,
                      UtterancePrinter printer, BooleanSupplier stop) throws IOException {
        float[] block = new float[options.blockSamples(source.sampleRate())];
        for (int n; !stop.getAsBoolean() && (n = source.read(block)) >= 0; ) {
            for (Utterance u : stream.accept(block, 0, n, source.sampleRate())) {
                printer.done(u);
            }
            printer.partial(stream.partial());
        }
        stream.finish().forEach(printer::done);
        return stream.seconds();
    }
}

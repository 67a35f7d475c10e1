package org.speechmoe.spark;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.Transcript;

/**
 * What the transcriber's column function does with one row on an executor, for each kind of input: take this task
 * thread's recognizer and turn the row's audio into a {@link TranscriptStruct}. A recording that cannot be read or
 * recognized gives an error value; only a model that cannot be opened fails the task (every row would fail alike).
 */
final class TranscribeFunction implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private final DecodingSettings settings;
    /** The Hadoop configuration to open input paths with; null for the other inputs. */
    private final Broadcast<HadoopConf> hadoop;

    TranscribeFunction(DecodingSettings settings, Broadcast<HadoopConf> hadoop) {
        this.settings = settings;
        this.hadoop = hadoop;
    }

    /** One recognition of an input with a recognizer. */
    private interface Pass {
        Transcript run(Recognizer r) throws IOException;
    }

    /** An audio file's bytes (the {@code binaryFile} source's {@code content}). */
    Row bytes(byte[] audio) {
        return audio == null ? TranscriptStruct.error("no audio (null)")
                : recognize("audio", r -> r.transcribe(new ByteArrayInputStream(audio), "audio"));
    }

    /** An audio file named by a path on any Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:} ...). */
    Row path(String path) {
        if (path == null) {
            return TranscriptStruct.error("no path (null)");
        }
        return recognize(path, r -> {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            FileSystem fs = p.getFileSystem(hadoop.value().get());
            try (InputStream in = fs.open(p)) {
                return r.transcribe(in, path);
            }
        });
    }

    /** Mono samples in [-1, 1] (an array of float or double) at {@code sampleRate}. */
    Row samples(scala.collection.Seq<?> samples, Integer sampleRate) {
        if (samples == null || sampleRate == null) {
            return TranscriptStruct.error("no samples or no sample rate (null)");
        }
        float[] audio = new float[samples.size()];
        for (int i = 0; i < audio.length; i++) {
            Object v = samples.apply(i);
            if (v == null) {
                return TranscriptStruct.error("sample " + i + " is null");
            }
            audio[i] = ((Number) v).floatValue();
        }
        return recognize("samples", r -> r.transcribe(audio, sampleRate));
    }

    private Row recognize(String name, Pass pass) {
        Recognizer r;
        try {
            r = ExecutorModels.recognizer(forThisTask());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        try {
            return TranscriptStruct.of(pass.run(r));
        } catch (IOException | RuntimeException e) {
            return TranscriptStruct.error(message(name, e));
        }
    }

    /** The settings with the thread budget of this task: {@code spark.task.cpus} unless set. */
    private DecodingSettings forThisTask() {
        if (settings.threads() > 0) {
            return settings;
        }
        TaskContext task = TaskContext.get();
        return settings.withThreads(task == null ? 1 : Math.max(1, task.cpus()));
    }

    /** One line naming the input and the reason. */
    static String message(String name, Exception e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        reason = reason.lines().findFirst().orElse(reason);
        return reason.startsWith(name) ? reason : name + ": " + reason;
    }
}

package org.speechmoe.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The batch job for those who write no Spark code: every file under a folder (or matching a glob) transcribed into one
 * JSON line (or Parquet row) per file, {@code path}, {@code text}, {@code words}, {@code audio_seconds},
 * {@code error}. A file that is not usable audio gets an {@code error} and the job goes on. Run by
 * {@code spark-submit} on a cluster or by {@code spark/run-local.sh} on this machine (docs/SPARK.md).
 */
@Command(name = "BatchTranscribe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Transcribes every file under a folder, or matching a glob, on Spark: one JSON line (or",
                "Parquet row) per file with path, text, words, audio_seconds and error. A file that",
                "is not usable audio gets an error and the others go on. Hidden files (.name, _name)",
                "under a folder are skipped. Exit status: 0 done (error rows included); 1 the job",
                "failed (no input files, output present, model unusable); 2 wrong usage."})
public final class BatchTranscribe implements Callable<Integer> {
    /** How the results are written. */
    enum Format { json, parquet }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "DIR_OR_GLOB",
            description = "a folder (read with its subfolders) or a glob, on any Hadoop file system")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "the folder to create")
    String output;

    @Option(names = "--model", paramLabel = "F",
            description = "a .smoe model on every executor's local disk (default: the default model)")
    String model;

    @Option(names = "--format", defaultValue = "json", paramLabel = "json|parquet",
            description = "JSON Lines or Parquet (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--lm", paramLabel = "FILE|none",
            description = "language model (default: the default model's own with the default model, none with"
                    + " --model)")
    String lm;

    @Option(names = "--beam", paramLabel = "N", description = "1: greedy; more: beam search (default: "
            + org.speechmoe.runtime.api.RecognizerOptions.SEARCH_BEAM_WIDTH + " with a language model or hotwords,"
            + " else 1)")
    Integer beam;

    @Option(names = "--hotword", paramLabel = "PHRASE[:BOOST]", description = "a phrase to favour (repeatable)")
    List<String> hotwords = List.of();

    @Option(names = "--threads-per-task", paramLabel = "N",
            description = "kernel threads of each task (default: spark.task.cpus)")
    Integer threadsPerTask;

    @Option(names = "--partitions", paramLabel = "N",
            description = "tasks to split the files into (default: min(files, 4 x the default parallelism))")
    Integer partitions;

    /**
     * Runs the job on the session {@code spark-submit} (or {@code -Dspark.master}) configures, then stops it.
     *
     * @param args the command line; {@code --help} lists it
     */
    public static void main(String[] args) {
        int exit = commandLine().execute(args);
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        System.exit(exit);
    }

    /**
     * Runs the job in the active (or a new) session and leaves it running: for a driver program in Java, Scala or
     * PySpark ({@code spark._jvm.org.speechmoe.spark.BatchTranscribe.run([...])}).
     *
     * @param args the command line, as {@link #main} takes it
     * @return the exit status: 0 done, 1 the job failed, 2 wrong usage (the reason is one line on stderr)
     */
    public static int run(List<String> args) {
        return commandLine().execute(args.toArray(String[]::new));
    }

    /** The command line with one-line errors: 2 for wrong usage, 1 for a failed job. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new BatchTranscribe());
        cl.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("BatchTranscribe: " + e.getMessage()
                    + " (see BatchTranscribe --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("BatchTranscribe: " + reason(e));
            return 1;
        });
        return cl;
    }

    /**
     * The first line of the first message not from Spark: Spark wraps a task's failure in its stage's and its job's,
     * whose messages hold the stack trace too. Spark's own errors (a path that exists) keep their message.
     */
    static String reason(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
                if (!t.getClass().getName().startsWith("org.apache.spark.")) {
                    break;
                }
            }
        }
        return message == null ? e.getClass().getSimpleName() : message.strip().lines().findFirst().orElse("");
    }

    @Override
    public Integer call() throws IOException {
        if (partitions != null && partitions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--partitions must be at least 1");
        }
        SpeechMoeTranscriber transcriber = new SpeechMoeTranscriber().setInputCol("path").setHotwords(
                hotwords.toArray(String[]::new));
        try {
            if (model != null) {
                transcriber.setModelPath(model);
            }
            if (lm != null) {
                transcriber.setLanguageModel(lm);
            }
            if (beam != null) {
                transcriber.setBeamWidth(beam);
            }
            if (threadsPerTask != null) {
                transcriber.setThreadsPerTask(threadsPerTask);
            }
            transcriber.settings().check();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        SparkSession spark = SparkSession.builder().appName("speechmoe BatchTranscribe").getOrCreate();
        if (spark.sparkContext().isLocal()) {
            // The executors are this JVM: an unusable model is one line here rather than every task's failure log.
            ExecutorModels.open(transcriber.settings());
        }
        // Only the paths: the executors stream the files themselves, so no file has to fit in a byte array.
        List<String> paths = InputFiles.list(input, spark.sparkContext().hadoopConfiguration());
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
        if (out.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(out)) {
            // Spark would find it only when writing, after the work.
            throw new IOException(output + " already exists: name a new folder for the output");
        }
        int n = paths.size();
        int tasks = partitions != null ? partitions
                : Math.max(1, Math.min(n, 4 * spark.sparkContext().defaultParallelism()));
        long start = System.nanoTime();
        Dataset<Row> files = spark.createDataset(paths, Encoders.STRING()).toDF("path");
        Dataset<Row> results = transcriber.transform(files.repartition(tasks))
                .select(col("path"), col("transcript.text").as("text"), col("transcript.words").as("words"),
                        col("transcript.audio_seconds").as("audio_seconds"), col("transcript.error").as("error"))
                .sortWithinPartitions("path")
                .persist();
        try {
            switch (format) {
                case json -> results.write().option("ignoreNullFields", "false").json(output);
                case parquet -> results.write().parquet(output);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long failed = results.filter(col("error").isNotNull()).count();
            PrintWriter err = spec.commandLine().getErr();
            err.printf("BatchTranscribe: %d files, %d with errors, transcribed and written in %.1f s to %s%n", n, failed,
                    seconds, output);
            err.flush();
        } finally {
            results.unpersist();
        }
        return 0;
    }
}

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.speechmoe.spark.SpeechMoeTranscriber;

/**
 * The transcriber's throughput in a warm JVM, for spark/bench.sh: the files of a folder, as paths, transcribed by the
 * default SpeechMoeTranscriber ROUNDS times in one session (the results discarded by Spark's noop sink); one line per
 * round with its seconds and files per hour. The first rounds include the JIT's compilation of the runtime and of
 * Spark's generated code; the last is the steady state. Run as a source file with run-local.sh's class path:
 * java @spark/jvm.options -Dspark.master=local[2] -cp CLASSPATH spark/WarmThroughput.java DIR [ROUNDS]
 */
public class WarmThroughput {
    public static void main(String[] args) {
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        SparkSession spark = SparkSession.builder().appName("speechmoe WarmThroughput").getOrCreate();
        Dataset<Row> files = spark.read().format("binaryFile").load(args[0]).select("path")
                .repartition(4 * spark.sparkContext().defaultParallelism()).cache();
        long n = files.count();
        for (int r = 1; r <= rounds; r++) {
            long start = System.nanoTime();
            new SpeechMoeTranscriber().setInputCol("path").transform(files).select("transcript.text", "transcript.error")
                    .write().format("noop").mode("overwrite").save();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s round %d: %d files in %.1f s, %.0f files/hour%n", spark.sparkContext().master(), r,
                    n, seconds, n * 3600 / seconds);
        }
        spark.stop();
    }
}

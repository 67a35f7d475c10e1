package org.speechmoe.spark;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.speechmoe.runtime.api.RecognizerOptions;

/**
 * A Spark ML stage that transcribes speech with SpeechMoE: it adds the struct column {@link #outputCol()}
 * ({@code text}, {@code words}, {@code audio_seconds}, {@code realtime_factor}, {@code error}) for the audio in
 * {@link #inputCol()}, which is one of
 * <ul>
 *   <li>binary: an audio file's bytes, e.g. the {@code content} column of the {@code binaryFile} source;</li>
 *   <li>string: the path of an audio file on any Hadoop file system, read by the executor;</li>
 *   <li>an array of float or double: mono samples in [-1, 1], at the rate in {@link #sampleRateCol()} (int).</li>
 * </ul>
 * A recording that cannot be read or recognized gets an {@code error} value and the job goes on. Each executor JVM
 * opens the model once (memory-mapped, shared by its task threads) and each task thread keeps one recognizer, with
 * {@code spark.task.cpus} kernel threads unless {@link #threadsPerTask()} says otherwise. The decoding parameters and
 * their defaults are the command-line tool's: the default model decodes with its language model and beam search.
 * Saved and loaded like any ML stage ({@code write().save(path)}, {@link #load(String)}), also inside a pipeline.
 */
public final class SpeechMoeTranscriber extends Transformer implements DefaultParamsWritable {
    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> outputCol;
    private final Param<String> sampleRateCol;
    private final Param<String> modelPath;
    private final Param<String> languageModel;
    private final IntParam beamWidth;
    private final DoubleParam lmWeight;
    private final DoubleParam wordBonus;
    private final StringArrayParam hotwords;
    private final DoubleParam hotwordBoost;
    private final IntParam threadsPerTask;

    /** A transcriber with a new uid and the default parameters. */
    public SpeechMoeTranscriber() {
        this(Identifiable.randomUID("speechmoe"));
    }

    /**
     * A transcriber with the given uid and the default parameters (the constructor ML persistence calls).
     *
     * @param uid the stage's unique id
     */
    public SpeechMoeTranscriber(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "the audio: binary (a file's bytes), string (a file's path on any"
                + " Hadoop file system) or array<float|double> (mono samples in [-1, 1])");
        outputCol = new Param<>(this, "outputCol", "the struct column to add: text, words, audio_seconds,"
                + " realtime_factor, error");
        sampleRateCol = new Param<>(this, "sampleRateCol", "with samples: the int column of their sample rate");
        modelPath = new Param<>(this, "modelPath", "the .smoe model on every executor's local disk; empty for the"
                + " default model");
        languageModel = new Param<>(this, "languageModel", "'auto' (the default language model with the default"
                + " model, none with another), 'none', or a .smlm file on every executor's local disk");
        beamWidth = new IntParam(this, "beamWidth", "0: beam search (" + RecognizerOptions.SEARCH_BEAM_WIDTH + ") with a language model or hotwords, else greedy; 1: greedy; more: that beam",
                ParamValidators.gtEq(0));
        lmWeight = new DoubleParam(this, "lmWeight", "the language model's weight (alpha)");
        wordBonus = new DoubleParam(this, "wordBonus", "the bonus per word (beta, natural log)");
        hotwords = new StringArrayParam(this, "hotwords", "phrases to favour, each 'phrase' or 'phrase:boost'");
        hotwordBoost = new DoubleParam(this, "hotwordBoost", "the boost per character of hotwords without their"
                + " own");
        threadsPerTask = new IntParam(this, "threadsPerTask", "kernel threads of each task's recognizer; 0:"
                + " spark.task.cpus", ParamValidators.gtEq(0));
        setDefault(inputCol, "content");
        setDefault(outputCol, "transcript");
        setDefault(sampleRateCol, "sample_rate");
        setDefault(modelPath, "");
        setDefault(languageModel, DecodingSettings.AUTO);
        setDefault(beamWidth, 0);
        setDefault(lmWeight, RecognizerOptions.DEFAULT_LM_WEIGHT);
        setDefault(wordBonus, RecognizerOptions.DEFAULT_WORD_BONUS);
        setDefault(hotwords, new String[0]);
        setDefault(hotwordBoost, RecognizerOptions.DEFAULT_HOTWORD_BOOST);
        setDefault(threadsPerTask, 0);
    }

    @Override
    public String uid() {
        return uid;
    }

    // The params, as ML's reflection finds them: public methods without arguments.

    /** @return the input column's param */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** @return the output column's param */
    public Param<String> outputCol() {
        return outputCol;
    }

    /** @return the sample rate column's param */
    public Param<String> sampleRateCol() {
        return sampleRateCol;
    }

    /** @return the model file's param */
    public Param<String> modelPath() {
        return modelPath;
    }

    /** @return the language model's param */
    public Param<String> languageModel() {
        return languageModel;
    }

    /** @return the beam width's param */
    public IntParam beamWidth() {
        return beamWidth;
    }

    /** @return the language model weight's param */
    public DoubleParam lmWeight() {
        return lmWeight;
    }

    /** @return the word bonus's param */
    public DoubleParam wordBonus() {
        return wordBonus;
    }

    /** @return the hotwords' param */
    public StringArrayParam hotwords() {
        return hotwords;
    }

    /** @return the hotword boost's param */
    public DoubleParam hotwordBoost() {
        return hotwordBoost;
    }

    /** @return the threads per task's param */
    public IntParam threadsPerTask() {
        return threadsPerTask;
    }

    /**
     * @param column the audio column: binary, string (path) or array of float or double (samples)
     * @return this transcriber
     */
    public SpeechMoeTranscriber setInputCol(String column) {
        set(inputCol, column);
        return this;
    }

    /**
     * @param column the struct column to add
     * @return this transcriber
     */
    public SpeechMoeTranscriber setOutputCol(String column) {
        set(outputCol, column);
        return this;
    }

    /**
     * @param column with samples: the int column of their rate
     * @return this transcriber
     */
    public SpeechMoeTranscriber setSampleRateCol(String column) {
        set(sampleRateCol, column);
        return this;
    }

    /**
     * @param path a {@code .smoe} file on every executor's local disk; empty for the default model
     * @return this transcriber
     */
    public SpeechMoeTranscriber setModelPath(String path) {
        set(modelPath, path);
        return this;
    }

    /**
     * @param lm {@code auto}, {@code none} or a {@code .smlm} file on every executor's local disk
     * @return this transcriber
     */
    public SpeechMoeTranscriber setLanguageModel(String lm) {
        set(languageModel, lm);
        return this;
    }

    /**
     * @param width 0 for the default, 1 for greedy decoding, more for that beam
     * @return this transcriber
     */
    public SpeechMoeTranscriber setBeamWidth(int width) {
        set(beamWidth, width);
        return this;
    }

    /**
     * @param weight the language model's weight (alpha)
     * @return this transcriber
     */
    public SpeechMoeTranscriber setLmWeight(double weight) {
        set(lmWeight, weight);
        return this;
    }

    /**
     * @param bonus the bonus per word (beta)
     * @return this transcriber
     */
    public SpeechMoeTranscriber setWordBonus(double bonus) {
        set(wordBonus, bonus);
        return this;
    }

    /**
     * @param phrases each {@code phrase} or {@code phrase:boost}
     * @return this transcriber
     */
    public SpeechMoeTranscriber setHotwords(String[] phrases) {
        set(hotwords, phrases);
        return this;
    }

    /**
     * @param boost the boost per character of hotwords without their own
     * @return this transcriber
     */
    public SpeechMoeTranscriber setHotwordBoost(double boost) {
        set(hotwordBoost, boost);
        return this;
    }

    /**
     * @param threads kernel threads of each task's recognizer; 0 for {@code spark.task.cpus}
     * @return this transcriber
     */
    public SpeechMoeTranscriber setThreadsPerTask(int threads) {
        set(threadsPerTask, threads);
        return this;
    }

    /** @return the input column */
    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    /** @return the output column */
    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    /** @return the sample rate column */
    public String getSampleRateCol() {
        return getOrDefault(sampleRateCol);
    }

    /** The decoding parameters as the executors take them. */
    DecodingSettings settings() {
        return new DecodingSettings(getOrDefault(modelPath), getOrDefault(languageModel),
                (Integer) getOrDefault(beamWidth), (Double) getOrDefault(lmWeight), (Double) getOrDefault(wordBonus),
                List.of(getOrDefault(hotwords)), (Double) getOrDefault(hotwordBoost),
                (Integer) getOrDefault(threadsPerTask));
    }

    /** How the input column holds its audio. */
    private enum Input { BYTES, PATH, SAMPLES }

    private Input input(StructType schema) {
        DataType type = field(schema, getInputCol()).dataType();
        if (type.equals(DataTypes.BinaryType)) {
            return Input.BYTES;
        }
        if (type.equals(DataTypes.StringType)) {
            return Input.PATH;
        }
        if (type instanceof ArrayType a && (a.elementType().equals(DataTypes.FloatType)
                || a.elementType().equals(DataTypes.DoubleType))) {
            DataType rate = field(schema, getSampleRateCol()).dataType();
            if (!rate.equals(DataTypes.IntegerType)) {
                throw new IllegalArgumentException("sample rate column '" + getSampleRateCol() + "' must be int, got "
                        + rate.simpleString());
            }
            return Input.SAMPLES;
        }
        throw new IllegalArgumentException("input column '" + getInputCol() + "' must be binary (audio file bytes),"
                + " string (a path) or array<float|double> (samples), got " + type.simpleString());
    }

    private static StructField field(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("no column '" + name + "' among " + List.of(schema.fieldNames()));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        input(schema);
        if (List.of(schema.fieldNames()).contains(getOutputCol())) {
            throw new IllegalArgumentException("output column '" + getOutputCol() + "' exists already");
        }
        return schema.add(getOutputCol(), TranscriptStruct.TYPE, false);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        DecodingSettings settings = settings();
        // Bad parameters fail here, on the driver, rather than in every task.
        settings.check();
        Input input = input(dataset.schema());
        SparkContext sc = dataset.sparkSession().sparkContext();
        Broadcast<HadoopConf> hadoop = input == Input.PATH ? JavaSparkContext.fromSparkContext(sc)
                .broadcast(new HadoopConf(new Configuration(sc.hadoopConfiguration()))) : null;
        TranscribeFunction f = new TranscribeFunction(settings, hadoop);
        // Nondeterministic: the optimizer must not copy the call into each use of the struct's fields.
        Column out = switch (input) {
            case BYTES -> functions.udf((UDF1<byte[], Row>) f::bytes, TranscriptStruct.TYPE).asNondeterministic()
                    .apply(functions.col(getInputCol()));
            case PATH -> functions.udf((UDF1<String, Row>) f::path, TranscriptStruct.TYPE).asNondeterministic()
                    .apply(functions.col(getInputCol()));
            case SAMPLES -> functions.udf((UDF2<scala.collection.Seq<?>, Integer, Row>) f::samples,
                    TranscriptStruct.TYPE).asNondeterministic()
                    .apply(functions.col(getInputCol()), functions.col(getSampleRateCol()));
        };
        return dataset.withColumn(getOutputCol(), out);
    }

    @Override
    public SpeechMoeTranscriber copy(ParamMap extra) {
        return (SpeechMoeTranscriber) defaultCopy(extra);
    }

    /**
     * The reader ML persistence uses (also for a pipeline holding this stage).
     *
     * @return a reader of saved transcribers
     */
    public static MLReader<SpeechMoeTranscriber> read() {
        return new DefaultParamsReadable<SpeechMoeTranscriber>() {
        }.read();
    }

    /**
     * Loads a transcriber saved with {@code write().save(path)}.
     *
     * @param path where it was saved
     * @return the transcriber, with the saved parameters
     */
    public static SpeechMoeTranscriber load(String path) {
        return read().load(path);
    }
}

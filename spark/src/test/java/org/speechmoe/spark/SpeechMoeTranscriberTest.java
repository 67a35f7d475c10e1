package org.speechmoe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.speechmoe.runtime.api.Recognizer;
import org.speechmoe.runtime.api.SpeechMoeModel;
import org.speechmoe.runtime.api.Transcript;

/** The transcriber gives what the runtime (and so the CLI) gives for the same files with the same options. */
class SpeechMoeTranscriberTest {
    static Dataset<Row> audioFiles(SparkSession spark) {
        return spark.read().format("binaryFile").option("pathGlobFilter", "*.wav")
                .load(TestSpark.SAMPLES.toString(), TestSpark.COMMANDS.toString());
    }

    static SpeechMoeTranscriber greedy() {
        return new SpeechMoeTranscriber().setLanguageModel("none").setBeamWidth(1);
    }

    @Test
    void fileBytesGiveTheClisTextWordsAndDurationWithItsDefaultLanguageModel() throws Exception {
        List<Row> rows = new SpeechMoeTranscriber().transform(audioFiles(TestSpark.session()))
                .select("path", "transcript").collectAsList();
        assertEquals(TestSpark.wavs(TestSpark.SAMPLES).size() + TestSpark.wavs(TestSpark.COMMANDS).size(),
                rows.size());
        for (Row row : rows) {
            Transcript want = TestSpark.direct(TestSpark.local(row.getString(0)), true);
            Row got = row.getStruct(1);
            assertNull(got.getAs("error"), row.getString(0));
            assertEquals(want.text(), got.getAs("text"), row.getString(0));
            assertEquals(TranscriptStruct.ms(want.audioSeconds()), (double) got.getAs("audio_seconds"), 0.0);
            List<String> words = new ArrayList<>();
            for (Row w : got.<Row>getList(got.fieldIndex("words"))) {
                words.add(w.getString(0) + "@" + w.getDouble(1) + "-" + w.getDouble(2) + ":" + w.getFloat(3));
            }
            assertEquals(want.words().stream().map(w -> w.text() + "@" + TranscriptStruct.ms(w.start()) + "-"
                    + TranscriptStruct.ms(w.end()) + ":" + w.confidence()).toList(), words);
        }
    }

    @Test
    void pathsAreReadByTheExecutorsThroughHadoop() {
        List<Row> rows = greedy().setInputCol("path").transform(audioFiles(TestSpark.session()).select("path"))
                .select("path", "transcript.text", "transcript.error").collectAsList();
        assertEquals(10, rows.size());
        for (Row row : rows) {
            assertNull(row.getString(2));
            assertEquals(TestSpark.direct(TestSpark.local(row.getString(0)), false).text(), row.getString(1));
        }
    }

    @Test
    void samplesWithTheirRateGiveTheRecognizersText() throws Exception {
        StructType schema = new StructType()
                .add("samples", DataTypes.createArrayType(DataTypes.FloatType, false))
                .add("sample_rate", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        List<String> want = new ArrayList<>();
        try (SpeechMoeModel model = SpeechMoeModel.openDefault(); Recognizer r = model.newRecognizer()) {
            for (Path wav : TestSpark.wavs(TestSpark.SAMPLES)) {
                float[] samples = pcm(wav.toFile());
                int rate = (int) AudioSystem.getAudioFileFormat(wav.toFile()).getFormat().getSampleRate();
                want.add(r.transcribe(samples, rate).text());
                List<Float> boxed = new ArrayList<>();
                for (float s : samples) {
                    boxed.add(s);
                }
                rows.add(RowFactory.create(boxed, rate));
            }
        }
        List<Row> got = greedy().setInputCol("samples")
                .transform(TestSpark.session().createDataFrame(rows, schema)).select("transcript.text")
                .collectAsList();
        assertEquals(want, got.stream().map(row -> row.getString(0)).toList());
    }

    /** A mono 16-bit WAV's samples in [-1, 1]. */
    static float[] pcm(File wav) throws Exception {
        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav)) {
            AudioFormat f = in.getFormat();
            if (f.getChannels() != 1 || f.getSampleSizeInBits() != 16) {
                throw new IllegalArgumentException(wav + ": not mono 16-bit");
            }
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes())
                    .order(f.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[bytes.remaining() / 2];
            for (int i = 0; i < out.length; i++) {
                out[i] = bytes.getShort() / 32768f;
            }
            return out;
        }
    }
}

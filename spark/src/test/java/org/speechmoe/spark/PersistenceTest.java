package org.speechmoe.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transcriber saves and loads like any ML stage, alone and inside a pipeline. */
class PersistenceTest {
    @TempDir
    Path tmp;

    static SpeechMoeTranscriber configured() {
        return new SpeechMoeTranscriber().setInputCol("audio").setOutputCol("heard").setSampleRateCol("rate")
                .setModelPath("/models/a.smoe").setLanguageModel("/models/a.smlm").setBeamWidth(12)
                .setLmWeight(0.75).setWordBonus(2.5).setHotwords(new String[] {"all circuits", "busy:1.5"})
                .setHotwordBoost(0.25).setThreadsPerTask(3);
    }

    static void assertSameParams(SpeechMoeTranscriber want, SpeechMoeTranscriber got) {
        assertEquals(want.uid(), got.uid());
        assertEquals(want.params().length, got.params().length);
        for (Param<?> p : want.params()) {
            Object a = want.getOrDefault(p);
            Object b = got.getOrDefault(got.getParam(p.name()));
            if (a instanceof String[] s) {
                assertArrayEquals(s, (String[]) b, p.name());
            } else {
                assertEquals(a, b, p.name());
            }
            assertEquals(want.isSet(p), got.isSet(got.getParam(p.name())), p.name());
        }
        assertEquals(want.settings(), got.settings());
    }

    @Test
    void everyParamSurvivesSaveAndLoad() throws Exception {
        SpeechMoeTranscriber t = configured();
        assertNotEquals(new SpeechMoeTranscriber().settings(), t.settings());
        String dir = tmp.resolve("transcriber").toString();
        TestSpark.session();
        t.write().save(dir);
        assertSameParams(t, SpeechMoeTranscriber.load(dir));
    }

    @Test
    void aSavedPipelineTranscribesAsBefore() throws Exception {
        SpeechMoeTranscriber t = new SpeechMoeTranscriber().setInputCol("path").setLanguageModel("none")
                .setHotwords(new String[] {"all circuits"});
        Dataset<Row> files = TestSpark.session().read().format("binaryFile")
                .load(TestSpark.SAMPLES.resolve("asterisk-all-circuits-busy-now.wav").toString()).select("path");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {t}).fit(files);
        String dir = tmp.resolve("pipeline").toString();
        fitted.write().save(dir);
        PipelineModel loaded = PipelineModel.load(dir);
        assertSameParams(t, (SpeechMoeTranscriber) loaded.stages()[0]);
        List<Row> before = fitted.transform(files).select("transcript.text", "transcript.error").collectAsList();
        List<Row> after = loaded.transform(files).select("transcript.text", "transcript.error").collectAsList();
        assertEquals(before, after);
        assertEquals(null, after.getFirst().get(1));
    }
}

package org.speechmoe.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.speechmoe.runtime.api.Transcript;

/**
 * The transcriber's output column: a struct of {@code text}, {@code words} (each {@code word}, {@code start},
 * {@code end} in seconds, {@code confidence}), {@code audio_seconds}, {@code realtime_factor} and {@code error}. A
 * recording that could not be transcribed has only {@code error}, the others null; one that was has a null
 * {@code error}. As in the CLI's JSON, times are rounded to the millisecond and the realtime factor to 4 decimals.
 */
final class TranscriptStruct {
    static final StructType WORD = DataTypes.createStructType(List.of(
            DataTypes.createStructField("word", DataTypes.StringType, false),
            DataTypes.createStructField("start", DataTypes.DoubleType, false),
            DataTypes.createStructField("end", DataTypes.DoubleType, false),
            DataTypes.createStructField("confidence", DataTypes.FloatType, false)));

    static final StructType TYPE = DataTypes.createStructType(List.<StructField>of(
            DataTypes.createStructField("text", DataTypes.StringType, true),
            DataTypes.createStructField("words", DataTypes.createArrayType(WORD, false), true),
            DataTypes.createStructField("audio_seconds", DataTypes.DoubleType, true),
            DataTypes.createStructField("realtime_factor", DataTypes.DoubleType, true),
            DataTypes.createStructField("error", DataTypes.StringType, true)));

    private TranscriptStruct() {
    }

    static Row of(Transcript t) {
        List<Row> words = t.words().stream()
                .map(w -> RowFactory.create(w.text(), ms(w.start()), ms(w.end()), w.confidence())).toList();
        return RowFactory.create(t.text(), words, ms(t.audioSeconds()), Math.round(t.realtimeFactor() * 1e4) / 1e4,
                null);
    }

    /** Seconds rounded to the millisecond. */
    static double ms(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    static Row error(String message) {
        return RowFactory.create(null, null, null, null, message);
    }
}

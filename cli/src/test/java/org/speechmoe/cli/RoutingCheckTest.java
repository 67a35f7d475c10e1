package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code routing --check}: the kit's invariants on the user's files, and a readable failure. */
class RoutingCheckTest {
    @Test
    void aCorrectRuntimePassesEveryCheckOnEveryFile() {
        CliTest.Run r = CliTest.run("routing", "--check", "--threads", "2", "-m", TestModel.path().toString(),
                TestModel.wav("chirp").toString(), TestModel.wav("mixed").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("chirp.wav: every check passed"), r.out() + r.err());
        assertTrue(r.out().contains("largest differences, sparse-equals-dense"), r.out());
        assertTrue(r.out().strip().endsWith("every check passed on every file"), r.out());
    }

    @Test
    void jsonSaysPerFileWhetherItPassedAndWhatWasMeasured() throws Exception {
        CliTest.Run r = CliTest.run("routing", "--check", "--format", "json", "--threads", "2", "-m",
                TestModel.path().toString(), TestModel.wav("vowels").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode o = new ObjectMapper().readTree(r.out().lines().findFirst().orElseThrow());
        assertTrue(o.get("passed").asBoolean(), o.toString());
        assertEquals(0, o.get("violations").size());
        double logProb = o.get("largest_differences").get("threads-and-backends").get("log_probability").asDouble();
        assertTrue(logProb >= 0 && logProb < 1e-4, o.toString());
    }

    @Test
    void aDeviceThatComputesNothingFailsWithTheLayerFrameAndValues() {
        CliTest.Run r;
        IdleGpuProvider.ACTIVE = true;
        try {
            r = CliTest.run("routing", "--check", "--threads", "1", "-m", TestModel.path().toString(),
                    TestModel.wav("chirp").toString());
        } finally {
            IdleGpuProvider.ACTIVE = false;
        }
        assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("threads-and-backends (gpu) on " + TestModel.wav("chirp") + ", layer 1, frame "),
                r.out() + r.err());
        assertTrue(r.out().contains("violations in 1 of 1 files"), r.out());
    }

    @Test
    void aFileThatCannotBeReadIsAFailureTheSummarySays() throws Exception {
        java.nio.file.Path bad = java.nio.file.Files.createTempFile("not-audio", ".wav");
        java.nio.file.Files.writeString(bad, "not audio");
        CliTest.Run r = CliTest.run("routing", "--check", "--threads", "1", "-m", TestModel.path().toString(),
                TestModel.wav("chirp").toString(), bad.toString());
        assertEquals(SpeechMoeCli.EXIT_FAILED, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.out().strip().endsWith("no violations; 1 of 2 files could not be checked"), r.out());
    }

    @Test
    void checkingIntoAnHtmlPageIsAUsageError() {
        CliTest.Run r = CliTest.run("routing", "--check", "--format", "html", TestModel.wav("chirp").toString());
        assertEquals(SpeechMoeCli.EXIT_USAGE, r.exit());
    }
}

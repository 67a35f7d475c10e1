package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which files the PATH arguments name, and where their outputs go. */
class AudioInputsTest {
    @TempDir
    Path tmp;

    private Path touch(String rel) throws IOException {
        Path p = tmp.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, "x");
    }

    @Test
    void directoriesAreSearchedForWavsInNameOrder() throws IOException {
        touch("d/b.wav");
        touch("d/a.WAV");
        touch("d/sub/c.wave");
        touch("d/sub/deeper/e.wav");
        touch("d/notes.txt");
        touch("d/song.m4a");
        touch("d/.hidden.wav");
        touch("d/.cache/f.wav");
        Path explicit = touch("elsewhere/clip.flac");
        Path d = tmp.resolve("d");
        AudioInputs.Expansion e = AudioInputs.expand(List.of(d, explicit, d.resolve("b.wav")));
        assertEquals(List.of(), e.problems());
        assertEquals(List.of("a.WAV", "b.wav", "sub/c.wave", "sub/deeper/e.wav", "clip.flac"),
                e.inputs().stream().map(i -> i.name().startsWith(d.toString())
                        ? d.relativize(i.path()).toString() : i.path().getFileName().toString()).toList());
        assertEquals(List.of("a", "b", "sub/c", "sub/deeper/e", "clip"),
                e.inputs().stream().map(i -> i.relative().toString()).toList());
        Path out = tmp.resolve("out");
        assertEquals(out.resolve("sub/deeper/e.srt"), e.inputs().get(3).output(out, OutputFormat.SRT));
        assertEquals(out.resolve("clip.json"), e.inputs().get(4).output(out, OutputFormat.JSON));
        assertNull(AudioInputs.collision(e.inputs(), out, OutputFormat.TEXT));
    }

    @Test
    void aMissingFileIsStillTriedAndAnEmptyDirectoryIsAProblem() throws IOException {
        Files.createDirectories(tmp.resolve("empty"));
        touch("empty/readme.txt");
        AudioInputs.Expansion e = AudioInputs.expand(List.of(tmp.resolve("nope.wav"), tmp.resolve("empty")));
        assertEquals(1, e.inputs().size());
        assertEquals(tmp.resolve("nope.wav"), e.inputs().getFirst().path());
        assertEquals(List.of(tmp.resolve("empty") + ": no audio files (.wav .wave .flac .mp3 .ogg .oga .aif .aiff .au) "
                + "in this directory"), e.problems());
    }

    @Test
    void twoInputsWritingOneFileAreACollision() throws IOException {
        Path a = touch("x/a.wav");
        Path b = touch("y/a.wav");
        List<AudioInputs.Input> inputs = AudioInputs.expand(List.of(a, b)).inputs();
        String c = AudioInputs.collision(inputs, tmp.resolve("out"), OutputFormat.SRT);
        assertTrue(c.contains(a + " and " + b + " would both be written to " + tmp.resolve("out/a.srt")), c);
        // as found under their common folder they keep their sub-folders and do not collide
        assertNull(AudioInputs.collision(AudioInputs.expand(List.of(tmp)).inputs(), tmp.resolve("out"),
                OutputFormat.SRT));
        Path text = touch("z/a.txt");
        String over = AudioInputs.collision(AudioInputs.expand(List.of(text)).inputs(), tmp.resolve("z"),
                OutputFormat.TEXT);
        assertTrue(over.contains("would overwrite an input file"), over);
    }

    @Test
    void everyReadContainerIsFoundInAnyCase() throws IOException {
        for (String n : List.of("a.flac", "b.MP3", "c.ogg", "d.Oga", "e.aif", "f.AIFF", "g.au", "h.wav", "i.wave")) {
            touch("m/" + n);
        }
        touch("m/j.opus");
        touch("m/k.m4a");
        assertEquals(9, AudioInputs.expand(List.of(tmp.resolve("m"))).inputs().size());
    }

    @Test
    void aDashIsStandardInputAndIsTakenOnce() {
        AudioInputs.Expansion e = AudioInputs.expand(List.of(Path.of("-"), Path.of("-")));
        assertEquals(1, e.inputs().size());
        assertEquals("-", e.inputs().getFirst().name());
        assertEquals(Path.of("out/stdin.txt"), e.inputs().getFirst().output(Path.of("out"), OutputFormat.TEXT));
        assertEquals(0, AudioInputs.estimateSeconds(Path.of("-")));
    }

    @Test
    void aFifoIsNotOpenedForTheEstimate() throws Exception {
        Path fifo = tmp.resolve("f.wav");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
        // opening a FIFO without a writer blocks: the estimate must not
        assertEquals(0, org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> AudioInputs.estimateSeconds(fifo)));
    }

    @Test
    void stems() {
        assertEquals("a.b", AudioInputs.stem("a.b.wav"));
        assertEquals("noext", AudioInputs.stem("noext"));
        assertEquals(".wav", AudioInputs.stem(".wav"));
        assertTrue(AudioInputs.isAudioName("X.WAVE"));
        assertTrue(!AudioInputs.isAudioName("x.wav.txt"));
    }

    @Test
    void durationFromTheHeader() throws IOException {
        assertEquals(1.2, AudioInputs.estimateSeconds(TestModel.wav("vowels")), 0.01);
        assertEquals(0, AudioInputs.estimateSeconds(touch("junk.wav")));
        assertEquals(0, AudioInputs.estimateSeconds(tmp.resolve("missing.wav")));
    }
}

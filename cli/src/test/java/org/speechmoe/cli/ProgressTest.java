package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When the progress line shows, what it says, and how it shares stderr. */
class ProgressTest {
    @Test
    void showsOnATerminalForLongWorkOnly() {
        assertTrue(Progress.shouldShow(null, true, 2, 1));
        assertTrue(Progress.shouldShow(null, true, 1, 30));
        assertTrue(Progress.shouldShow(null, true, 1, 3600));
        assertFalse(Progress.shouldShow(null, true, 1, 29.9));
        assertFalse(Progress.shouldShow(null, false, 40, 3600));
        assertTrue(Progress.shouldShow(true, false, 1, 1));
        assertFalse(Progress.shouldShow(false, true, 40, 3600));
    }

    @Test
    void theLine() {
        assertEquals("[12/40 files] 48.0 min audio, 0.03x realtime, eta 1m20s",
                Progress.line(12, 40, 0, 2880, 86.4, 80));
        assertEquals("[0/3 files] 0 s audio", Progress.line(0, 3, 0, 0, 5, -1));
        assertEquals("[3/3 files] 2.0 h audio, 0.004x realtime, 1 failed, took 30s",
                Progress.line(3, 3, 1, 7200, 30, 0));
        assertEquals("[0/1 file] 0 s audio, eta 7s", Progress.line(0, 1, 0, 0, 1, 7));
        assertEquals("45 s", Progress.audio(45));
        assertEquals("1.5 min", Progress.audio(90));
        assertEquals("1.5 h", Progress.audio(5400));
        assertEquals("0s", Progress.duration(0.2));
        assertEquals("59s", Progress.duration(59));
        assertEquals("1m00s", Progress.duration(60));
        assertEquals("2h05m", Progress.duration(2 * 3600 + 5 * 60 + 10));
    }

    @Test
    void oneUpdatingLineThatOtherOutputGoesAround() {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        AtomicLong now = new AtomicLong();
        try (Progress p = new Progress(new PrintWriter(err), true, 2, 20, now::get)) {
            p.start();
            now.set(4_000_000_000L);
            p.fileDone(10, 10, true);
            p.print(new PrintWriter(out), "result\n");
            now.set(8_000_000_000L);
            p.fileDone(10, 10, false);
        }
        assertEquals("result\n", out.toString());
        String e = err.toString();
        assertEquals(1, e.chars().filter(c -> c == '\n').count(), e);
        assertTrue(e.endsWith("\r[2/2 files] 20 s audio, 0.40x realtime, 1 failed, took 8s\n"), e);
        assertTrue(e.contains("\r[1/2 files] 10 s audio, 0.40x realtime, eta 4s"), e);
        assertTrue(e.startsWith("\r[0/2 files] 0 s audio"), e);
    }

    @Test
    void silentWhenOff() {
        StringWriter err = new StringWriter();
        try (Progress p = new Progress(new PrintWriter(err), false, 2, 20, System::nanoTime)) {
            p.start();
            p.fileDone(10, 10, true);
            p.print(new PrintWriter(err), "speechmoe: x: bad\n");
        }
        assertEquals("speechmoe: x: bad\n", err.toString());
    }
}

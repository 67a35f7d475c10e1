package org.speechmoe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The one progress line {@code transcribe} keeps updating on stderr ({@code [12/40 files] 0.8 h audio, 0.03x
 * realtime, eta 1m20s}), and the only writer of the command's output while it runs: stdout results and stderr
 * messages go through {@link #print} so that they never land in the middle of the progress line. When the line is
 * off, {@link #print} just writes.
 */
final class Progress implements AutoCloseable {
    /** A single file at least this long (in seconds of audio) is long enough to show progress for. */
    static final double LONG_AUDIO_SECONDS = 30;
    /** Environment variable the launcher may set to 1 or 0 to say whether stderr is a terminal. */
    static final String TTY_ENV = "SPEECHMOE_STDERR_TTY";

    private final PrintWriter err;
    private final boolean shown;
    private final int total;
    private final double estimatedTotalSeconds;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private int done;
    private int failed;
    private double audioSeconds;
    private double estimatedDoneSeconds;
    private long lastDoneNanos;
    private int drawnLength;
    private ScheduledExecutorService timer;
    private boolean closed;

    /**
     * Whether to show the progress line: as forced by {@code --progress}/{@code --no-progress} ({@code forced} not
     * null), else only on a terminal and only for long work: several files, or one of at least
     * {@value #LONG_AUDIO_SECONDS} s.
     */
    static boolean shouldShow(Boolean forced, boolean stderrIsTerminal, int files, double longestAudioSeconds) {
        if (forced != null) {
            return forced;
        }
        return stderrIsTerminal && (files > 1 || longestAudioSeconds >= LONG_AUDIO_SECONDS);
    }

    /**
     * The progress line.
     *
     * @param etaSeconds negative when unknown (nothing finished yet); ignored when all files are done
     */
    static String line(int done, int total, int failed, double audioSeconds, double elapsedSeconds,
                       double etaSeconds) {
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(done).append('/').append(total).append(total == 1 ? " file] " : " files] ")
                .append(audio(audioSeconds)).append(" audio");
        if (audioSeconds > 0) {
            double rtf = elapsedSeconds / audioSeconds;
            sb.append(String.format(Locale.ROOT, rtf < 0.01 ? ", %.3fx realtime" : ", %.2fx realtime", rtf));
        }
        if (failed > 0) {
            sb.append(", ").append(failed).append(" failed");
        }
        if (done == total) {
            sb.append(", took ").append(duration(elapsedSeconds));
        } else if (etaSeconds >= 0) {
            sb.append(", eta ").append(duration(etaSeconds));
        }
        return sb.toString();
    }

    /** Seconds of audio for people: {@code 42 s}, {@code 12.5 min}, {@code 0.8 h}. */
    static String audio(double seconds) {
        if (seconds < 90) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (seconds < 90 * 60) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }

    /** A duration for people: {@code 7s}, {@code 1m20s}, {@code 2h05m}. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60);
    }

    /**
     * Whether stderr is a terminal: {@value #TTY_ENV} when set (the launcher filters stderr through a pipe, so it
     * says what its own stderr is), else the target of {@code /proc/self/fd/2} on Linux, else whether the JVM has
     * an interactive console.
     */
    static boolean stderrIsTerminal() {
        String env = System.getenv(TTY_ENV);
        if (env != null && !env.isBlank()) {
            return env.strip().equals("1") || env.strip().equalsIgnoreCase("true");
        }
        Path fd2 = Path.of("/proc/self/fd/2");
        if (Files.isSymbolicLink(fd2)) {
            try {
                String target = Files.readSymbolicLink(fd2).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
        return System.console() != null && System.console().isTerminal();
    }

    Progress(PrintWriter err, boolean shown, int total, double estimatedTotalSeconds, LongSupplier nanoTime) {
        this.err = err;
        this.shown = shown;
        this.total = total;
        this.estimatedTotalSeconds = estimatedTotalSeconds;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.lastDoneNanos = startNanos;
    }

    /** Starts redrawing the line every second, so that the elapsed time and eta move during long files. */
    synchronized void start() {
        if (shown && timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "speechmoe-progress");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::redraw, 1, 1, TimeUnit.SECONDS);
            draw();
        }
    }

    /** A file finished (or failed) with {@code seconds} of audio; {@code estimated} is what it was expected to hold. */
    synchronized void fileDone(double seconds, double estimated, boolean ok) {
        done++;
        failed += ok ? 0 : 1;
        audioSeconds += seconds;
        estimatedDoneSeconds += estimated;
        lastDoneNanos = nanoTime.getAsLong();
        draw();
    }

    /** Writes {@code text} as it is to {@code w}, keeping the progress line below it. */
    synchronized void print(PrintWriter w, String text) {
        clear();
        w.print(text);
        w.flush();
        draw();
    }

    private synchronized void redraw() {
        draw();
    }

    private void draw() {
        if (!shown || closed) {
            return;
        }
        double elapsed = (nanoTime.getAsLong() - startNanos) / 1e9;
        double eta = -1;
        if (done > 0 && estimatedDoneSeconds > 0) {
            double atLast = (lastDoneNanos - startNanos) / 1e9;
            eta = Math.max(0, atLast * Math.max(estimatedTotalSeconds, estimatedDoneSeconds) / estimatedDoneSeconds
                    - elapsed);
        }
        String s = line(done, total, failed, audioSeconds, elapsed, eta);
        err.print("\r" + s + " ".repeat(Math.max(0, drawnLength - s.length())));
        err.flush();
        drawnLength = s.length();
    }

    private void clear() {
        if (shown && drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
            drawnLength = 0;
        }
    }

    /** Stops the timer and, when the line is shown, leaves its final state on the screen with a newline. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        if (shown) {
            clear();
            draw();
            err.print("\n");
            err.flush();
            drawnLength = 0;
        }
        closed = true;
    }
}

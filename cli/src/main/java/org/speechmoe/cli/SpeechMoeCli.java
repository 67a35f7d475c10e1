package org.speechmoe.cli;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.speechmoe.runtime.api.NoDefaultModelException;
import org.speechmoe.runtime.spi.BackendUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code speechmoe} tool. User mistakes (bad flags, missing or broken files) end in one line on stderr and a
 * non-zero exit code: 2 for wrong usage, 1 for inputs that cannot be used. Set {@code SPEECHMOE_DEBUG=1} to see
 * stack traces. Text in messages that comes from files (names, bytes quoted by a parser) goes through
 * {@link Printable}.
 */
@Command(name = "speechmoe", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Pure-Java SpeechMoE speech recognition: transcribe audio, convert and inspect models, compute "
                + "log-probabilities, convert and inspect language models.",
        subcommands = {TranscribeCommand.class, ConvertCommand.class, InspectCommand.class, LogitsCommand.class,
                EvalCommand.class, LmCommand.class, BenchCommand.class, RoutingCommand.class, ListenCommand.class,
                CommandLine.HelpCommand.class})
public final class SpeechMoeCli implements Runnable {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is required (transcribe, listen, convert, inspect, logits, eval, lm, bench, routing)");
    }

    public static void main(String[] args) {
        useLauncherStderr(System.getenv(LAUNCHER_STDERR_FD));
        System.exit(commandLine().execute(args));
    }

    /** Environment variable by which the launcher hands over the terminal stderr was on, as a file descriptor. */
    static final String LAUNCHER_STDERR_FD = "SPEECHMOE_STDERR_FD";

    /**
     * Writes {@link System#err} to file descriptor {@code fd} when the launcher passed one: the launcher filters the
     * JVM's own stderr (for its incubator notice) and, when stderr is a terminal, keeps the terminal itself on that
     * descriptor, so that the messages and the progress line reach it directly, in order with stdout.
     */
    static void useLauncherStderr(String fd) {
        if (fd == null || !fd.matches("[0-9]{1,4}")) {
            return;
        }
        try {
            FileOutputStream terminal = new FileOutputStream("/dev/fd/" + fd, true);
            System.setErr(new PrintStream(new BufferedOutputStream(terminal, 1024), true, System.err.charset()));
        } catch (IOException | SecurityException e) {
            // not open (run other than by the launcher): the JVM's stderr it is
        }
    }

    /** The configured command line; tests drive it in-process with their own writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SpeechMoeCli());
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + Printable.of(e.getMessage()) + " (see "
                    + c.getCommandSpec().qualifiedName() + " --help)");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            PrintWriter err = c.getErr();
            err.println(message(describe(e)));
            if (System.getenv("SPEECHMOE_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return EXIT_FAILED;
        });
        return cl;
    }

    /** A message line (without its newline) saying {@code text}, which may quote file names and file contents. */
    static String message(String text) {
        return "speechmoe: " + Printable.of(text);
    }

    static String describe(Exception e) {
        return switch (e) {
            case NoSuchFileException n -> "no such file: " + n.getFile();
            case NoDefaultModelException n -> "this build embeds no default model: pass a model file, e.g. -m model.smoe";
            case AccessDeniedException a -> "permission denied: " + a.getFile();
            case IOException io when io.getMessage() != null -> io.getMessage();
            case UncheckedIOException u when u.getCause().getMessage() != null -> u.getCause().getMessage();
            case BackendUnavailableException b -> b.getMessage();
            default -> "internal error: " + e + " (please report it; SPEECHMOE_DEBUG=1 shows the trace)";
        };
    }
}

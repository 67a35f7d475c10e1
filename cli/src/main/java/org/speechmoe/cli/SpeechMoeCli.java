package org.speechmoe.cli;

import java.io.IOException;
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
 * stack traces.
 */
@Command(name = "speechmoe", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Pure-Java SpeechMoE speech recognition: transcribe audio, convert and inspect models, compute "
                + "log-probabilities.",
        subcommands = {TranscribeCommand.class, ConvertCommand.class, InspectCommand.class, LogitsCommand.class,
                EvalCommand.class, CommandLine.HelpCommand.class})
public final class SpeechMoeCli implements Runnable {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a command is required (transcribe, convert, inspect, logits, eval)");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests drive it in-process with their own writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SpeechMoeCli());
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage() + " (see "
                    + c.getCommandSpec().qualifiedName() + " --help)");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            PrintWriter err = c.getErr();
            err.println("speechmoe: " + describe(e));
            if (System.getenv("SPEECHMOE_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return EXIT_FAILED;
        });
        return cl;
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

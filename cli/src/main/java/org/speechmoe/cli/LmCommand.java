package org.speechmoe.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "lm", mixinStandardHelpOptions = true,
        description = {"Word n-gram language models for decoding: convert an ARPA file into an .smlm file, inspect "
                + "one.",
                "The .smlm format and the ARPA import's rules: docs/FORMAT.md, \"Language model files (.smlm)\"."},
        subcommands = {LmConvertCommand.class, LmInspectCommand.class})
final class LmCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (convert, inspect)");
    }
}

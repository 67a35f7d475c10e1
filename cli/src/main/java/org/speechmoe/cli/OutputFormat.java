package org.speechmoe.cli;

import java.util.Locale;
import picocli.CommandLine;

/** What {@code transcribe} writes for each input, and the extension of the files {@code --output-dir} gets. */
enum OutputFormat {
    TEXT("txt"), JSON("json"), SRT("srt"), VTT("vtt");

    private final String extension;

    OutputFormat(String extension) {
        this.extension = extension;
    }

    String extension() {
        return extension;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean isSubtitles() {
        return this == SRT || this == VTT;
    }

    static final class Converter implements CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            for (OutputFormat f : values()) {
                if (f.label().equalsIgnoreCase(value.strip())) {
                    return f;
                }
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not one of text, json, srt, vtt");
        }
    }
}

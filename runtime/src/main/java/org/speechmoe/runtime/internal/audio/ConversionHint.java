package org.speechmoe.runtime.internal.audio;

/** The ffmpeg command that turns a file the reader refuses into one it reads, for error messages. */
final class ConversionHint {
    private ConversionHint() {
    }

    static String forFile(String name) {
        if (name.equals("-")) {
            // standard input: ffmpeg can write WAV to a pipe just as well
            return "convert it with ffmpeg -i INPUT -ar 16000 -ac 1 -f wav -";
        }
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        int dot = name.lastIndexOf('.');
        String stem = dot > slash + 1 ? name.substring(0, dot) : name;
        // ffmpeg cannot write over its own input, so a .wav input gets a new name.
        String output = name.toLowerCase(java.util.Locale.ROOT).endsWith(".wav") || stem.equals(name)
                ? stem + "-16k.wav" : stem + ".wav";
        return "convert it with ffmpeg -i " + quote(name) + " -ar 16000 -ac 1 " + quote(output);
    }

    private static String quote(String path) {
        return path.chars().anyMatch(Character::isWhitespace) ? '"' + path + '"' : path;
    }
}

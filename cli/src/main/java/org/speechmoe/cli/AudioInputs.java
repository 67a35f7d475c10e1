package org.speechmoe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The audio files that {@code transcribe}'s PATH arguments name. A file named explicitly is always taken (and fails
 * later if it is not usable audio); {@code -} is standard input. A directory is searched recursively for files with
 * an audio extension ({@link #EXTENSIONS}, any case), skipping hidden files and folders (names starting with a dot) and not following links to folders; what it
 * holds is taken in the order of the paths relative to it. A file reached twice is taken once.
 */
final class AudioInputs {
    private AudioInputs() {
    }

    /**
     * One file to transcribe.
     *
     * @param path     where it is
     * @param name     how messages and results name it: the path as given, or the directory as given joined with the
     *                 path under it
     * @param relative the output name without extension under {@code --output-dir}: the stem for a file named
     *                 explicitly, the path under the directory (folders kept) for a file found in one
     */
    record Input(Path path, String name, Path relative) {
        Path output(Path dir, OutputFormat format) {
            Path parent = relative.getParent();
            String file = relative.getFileName() + "." + format.extension();
            return parent == null ? dir.resolve(file) : dir.resolve(parent).resolve(file);
        }
    }

    /** The inputs, and one message per PATH that yielded nothing (a directory without audio, an unreadable one). */
    record Expansion(List<Input> inputs, List<String> problems) {
    }

    /** What a directory walk takes: the containers the runtime reads. Named files are taken whatever their name. */
    static final List<String> EXTENSIONS = List.of(".wav", ".wave", ".flac", ".mp3", ".ogg", ".oga", ".aif", ".aiff",
            ".au");
    /** The PATH that names standard input. */
    static final String STDIN = "-";

    static boolean isAudioName(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    static boolean isStdin(Path p) {
        return p.toString().equals(STDIN);
    }

    static Expansion expand(List<Path> paths) {
        List<Input> inputs = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path p : paths) {
            if (isStdin(p)) {
                add(inputs, seen, new Input(p, STDIN, Path.of("stdin")));
                continue;
            }
            if (!Files.isDirectory(p)) {
                add(inputs, seen, new Input(p, p.toString(), Path.of(stem(fileName(p)))));
                continue;
            }
            List<Path> found = new ArrayList<>();
            List<String> unreadable = new ArrayList<>();
            try {
                Files.walkFileTree(p, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return !dir.equals(p) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (!hidden(file) && isAudioName(file.getFileName().toString())
                                && (attrs.isRegularFile() || attrs.isSymbolicLink() && Files.isRegularFile(file))) {
                            found.add(p.relativize(file));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        unreadable.add(file + ": " + TranscribeCommand.reason(e, file.toString()));
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                unreadable.add(p + ": " + TranscribeCommand.reason(e, p.toString()));
            }
            problems.addAll(unreadable);
            if (found.isEmpty() && unreadable.isEmpty()) {
                problems.add(p + ": no audio files (" + String.join(" ", EXTENSIONS) + ") in this directory");
            }
            found.sort(Comparator.naturalOrder());
            for (Path rel : found) {
                Path parent = rel.getParent();
                String stem = stem(rel.getFileName().toString());
                add(inputs, seen, new Input(p.resolve(rel), p.resolve(rel).toString(),
                        parent == null ? Path.of(stem) : parent.resolve(stem)));
            }
        }
        return new Expansion(List.copyOf(inputs), List.copyOf(problems));
    }

    /**
     * Under {@code --output-dir}: null when every input gets its own output file, else one line naming two inputs that
     * would write the same file (or an input that would be overwritten).
     */
    static String collision(List<Input> inputs, Path dir, OutputFormat format) {
        Map<Path, Input> targets = new LinkedHashMap<>();
        Set<Path> sources = new HashSet<>();
        inputs.forEach(i -> sources.add(key(i.path())));
        for (Input i : inputs) {
            Path out = i.output(dir, format);
            Input before = targets.putIfAbsent(key(out), i);
            if (before != null) {
                return before.name() + " and " + i.name() + " would both be written to " + out
                        + "; transcribe them in separate runs, or pass the folder above them instead";
            }
            if (sources.contains(key(out))) {
                return i.name() + "'s " + format.label() + " output " + out + " would overwrite an input file; "
                        + "choose another --output-dir";
            }
        }
        return null;
    }

    /**
     * How long the audio of a WAV file probably is, from its size and the byte rate in its header, without reading
     * it; 0 when that cannot be told. Only for the progress line. Standard input, pipes, FIFOs and devices are not
     * opened (that could block, or take the bytes the transcription needs): their length is unknown, 0.
     */
    static double estimateSeconds(Path file) {
        if (isStdin(file) || !Files.isRegularFile(file)) {
            return 0;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4096);
            ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            if (head.length < 12) {
                return 0;
            }
            int pos = 12;
            while (pos + 8 <= head.length) {
                String id = new String(head, pos, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
                long size = Integer.toUnsignedLong(b.getInt(pos + 4));
                if (id.equals("fmt ") && pos + 20 <= head.length) {
                    long byteRate = Integer.toUnsignedLong(b.getInt(pos + 16));
                    return byteRate == 0 ? 0 : Math.max(0, Files.size(file) - pos) / (double) byteRate;
                }
                pos += 8 + (int) Math.min(size + (size & 1), head.length);
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static void add(List<Input> inputs, Set<Path> seen, Input i) {
        if (seen.add(key(i.path()))) {
            inputs.add(i);
        }
    }

    private static Path key(Path p) {
        return p.toAbsolutePath().normalize();
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private static String fileName(Path p) {
        Path name = p.getFileName();
        return name == null ? p.toString() : name.toString();
    }

    /** The name without its last extension ({@code a.b.wav} gives {@code a.b}; {@code .wav} stays {@code .wav}). */
    static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}

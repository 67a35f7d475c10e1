package org.speechmoe.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The files a batch job reads: those matching a glob, and those under a folder with its subfolders, listed on the
 * driver through Hadoop. Unlike Spark's file sources it keeps empty files (a file in, a row out); like them it skips
 * hidden names ({@code .name}, {@code _name}) under a folder.
 */
final class InputFiles {
    private InputFiles() {
    }

    /**
     * The fully qualified paths {@code input} names, sorted.
     *
     * @throws FileNotFoundException when nothing matches, or only empty folders do
     */
    static List<String> list(String input, Configuration conf) throws IOException {
        Path pattern = new Path(input);
        FileSystem fs = pattern.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(pattern);
        if (matches == null || matches.length == 0) {
            throw new FileNotFoundException("no such file or folder: " + input);
        }
        List<String> files = new ArrayList<>();
        for (FileStatus match : matches) {
            if (!match.isDirectory()) {
                files.add(match.getPath().toString());
                continue;
            }
            RemoteIterator<LocatedFileStatus> under = fs.listFiles(match.getPath(), true);
            while (under.hasNext()) {
                Path p = under.next().getPath();
                if (!hidden(match.getPath(), p)) {
                    files.add(p.toString());
                }
            }
        }
        if (files.isEmpty()) {
            throw new FileNotFoundException("no files in " + input);
        }
        files.sort(null);
        return files;
    }

    /** Whether a name on the way from {@code root} down to {@code file} starts with a dot or an underscore. */
    private static boolean hidden(Path root, Path file) {
        for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
            if (p.getName().startsWith(".") || p.getName().startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}

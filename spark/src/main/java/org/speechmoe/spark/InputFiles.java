package org.speechmoe.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

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
            if (match.isDirectory()) {
                addUnder(fs, match.getPath(), files);
            } else {
                files.add(match.getPath().toString());
            }
        }
        if (files.isEmpty()) {
            throw new FileNotFoundException("no files in " + input);
        }
        files.sort(null);
        return files;
    }

    /**
     * Adds the files under {@code dir} and its subfolders, but those with hidden names. Plain {@code listStatus}:
     * {@code listFiles} makes a located status of each file, which on the local file system asks a shell for its
     * permissions, one process per file.
     */
    private static void addUnder(FileSystem fs, Path dir, List<String> files) throws IOException {
        for (FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            if (s.isDirectory()) {
                addUnder(fs, s.getPath(), files);
            } else {
                files.add(s.getPath().toString());
            }
        }
    }
}

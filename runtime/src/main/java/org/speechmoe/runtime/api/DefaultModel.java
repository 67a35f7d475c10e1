package org.speechmoe.runtime.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.speechmoe.format.CompleteFile;

/**
 * Finds the default model (and its language model) that a build may embed as the classpath resources
 * {@value #RESOURCE} and {@value #LM_RESOURCE}. They are read through a memory mapping, which a resource inside a jar
 * cannot give, so a jar's copy is extracted once into the user's cache ({@code $XDG_CACHE_HOME/speechmoe}, else
 * {@code ~/.cache/speechmoe}) under a name made of its SHA-256, written to a temporary name and moved into place
 * ({@link CompleteFile}), so concurrent first uses never see half a file. A cached copy is reused only when its bytes
 * are the resource's (compared, not hashed a second time); a damaged one is replaced.
 */
final class DefaultModel {
    static final String RESOURCE = "speechmoe/default-model.smoe";
    /** The language model that goes with the default model, in the same artifact. */
    static final String LM_RESOURCE = "speechmoe/default-model.smlm";
    private static final int BUFFER = 1 << 16;

    private DefaultModel() {
    }

    /** The default model as a file, extracting it first if it sits in a jar. */
    static Path locate(ClassLoader loader) throws IOException {
        return locate(loader, RESOURCE, "default model");
    }

    /** The default model's resource {@code resource} as a file, extracting it first if it sits in a jar. */
    static Path locate(ClassLoader loader, String resource, String what) throws IOException {
        URL url = loader.getResource(resource);
        if (url == null) {
            String kind = resource.equals(RESOURCE) ? "model" : "language model";
            throw new NoDefaultModelException("this build embeds no " + what + " (classpath resource " + resource
                    + ", from the speechmoe-default-model artifact); open a " + kind + " file instead");
        }
        if (url.getProtocol().equals("file")) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("cannot read the " + what + " at " + url, e);
            }
        }
        return extract(url, cacheDir());
    }

    /**
     * Extracts the resource at {@code url} into {@code dir}, keeping its extension. The resource is streamed (hashed,
     * then compared with or copied into the cache) rather than held in memory: the language model alone is tens of
     * megabytes, which a whole copy would add to the heap of every start.
     */
    static Path extract(URL url, Path dir) throws IOException {
        MessageDigest digest = sha256();
        long size = 0;
        try (InputStream in = url.openStream()) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) > 0; size += n) {
                digest.update(buffer, 0, n);
            }
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        String path = url.getPath();
        String extension = path.substring(Math.max(path.lastIndexOf('.'), path.lastIndexOf('/') + 1));
        Path target = dir.resolve("default-" + sha.substring(0, 16) + extension);
        if (Files.isRegularFile(target) && Files.size(target) == size && sameBytes(url, target)) {
            return target;
        }
        try {
            CompleteFile.write(target, ch -> {
                try (InputStream in = url.openStream()) {
                    byte[] buffer = new byte[BUFFER];
                    long at = 0;
                    for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; at += n) {
                        CompleteFile.writeFully(ch, ByteBuffer.wrap(buffer, 0, n), at);
                    }
                }
            });
        } catch (IOException e) {
            throw new IOException("cannot write the default model into the cache folder " + dir + " ("
                    + reason(e) + "); make it writable, or set XDG_CACHE_HOME to a writable folder", e);
        }
        return target;
    }

    /** Whether {@code file} holds exactly the resource's bytes, read side by side a buffer at a time. */
    private static boolean sameBytes(URL url, Path file) throws IOException {
        try (InputStream a = url.openStream(); InputStream b = Files.newInputStream(file)) {
            byte[] x = new byte[BUFFER];
            byte[] y = new byte[BUFFER];
            while (true) {
                int n = a.readNBytes(x, 0, BUFFER);
                if (n != b.readNBytes(y, 0, BUFFER) || !Arrays.equals(x, 0, n, y, 0, n)) {
                    return false;
                }
                if (n < BUFFER) {
                    return true;
                }
            }
        }
    }

    private static String reason(IOException e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException a -> "permission denied: " + a.getFile();
            case java.nio.file.NoSuchFileException n -> "no such folder: " + n.getFile();
            case java.nio.file.FileAlreadyExistsException f -> "a file is in the way: " + f.getFile();
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason() + ": " + f.getFile();
            default -> String.valueOf(e.getMessage());
        };
    }

    private static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("speechmoe");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}

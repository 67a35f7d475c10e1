package org.speechmoe.runtime.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.speechmoe.format.DType;
import org.speechmoe.runtime.ReferenceFixtures;

/** The embedded default model is found on the class path, and extracted from a jar once, whole. */
class DefaultModelTest {
    @TempDir
    Path tmp;

    /** A jar holding {@code model} as the default-model resource. */
    private Path jarWith(Path model) throws IOException {
        Path jar = tmp.resolve("default-model.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(DefaultModel.RESOURCE));
            Files.copy(model, out);
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void aModelInAJarIsExtractedOnceToTheCacheAndOpens() throws IOException {
        Path model = ReferenceFixtures.smoe("ctc_ln_swish_e2", DType.Q8);
        Path jar = jarWith(model);
        Path cache = tmp.resolve("cache");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Path first = DefaultModel.extract(loader.getResource(DefaultModel.RESOURCE), cache);
            assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(first));
            long modified = Files.getLastModifiedTime(first).toMillis();
            Path second = DefaultModel.extract(loader.getResource(DefaultModel.RESOURCE), cache);
            assertEquals(first, second);
            assertEquals(modified, Files.getLastModifiedTime(second).toMillis(), "extracted once");
            try (var files = Files.list(cache)) {
                assertEquals(1, files.count(), "no temporary file left");
            }
            try (SpeechMoeModel m = SpeechMoeModel.open(second)) {
                assertEquals(2, m.config().encoder().numBlocks());
            }
        }
    }

    @Test
    void aDamagedCachedCopyIsReplacedNotReused() throws IOException {
        Path model = ReferenceFixtures.smoe("ctc_ln_swish_e2", DType.Q8);
        Path jar = jarWith(model);
        Path cache = tmp.resolve("cache");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Path cached = DefaultModel.extract(loader.getResource(DefaultModel.RESOURCE), cache);
            byte[] damaged = Files.readAllBytes(cached);
            damaged[damaged.length - 3] ^= 1; // same size, one bit off in the last tensor
            Files.write(cached, damaged);
            Path again = DefaultModel.extract(loader.getResource(DefaultModel.RESOURCE), cache);
            assertEquals(cached, again);
            assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(again), "the damaged copy was replaced");
        }
    }

    @Test
    void anUnwritableCacheFolderIsNamed() throws IOException {
        Path model = ReferenceFixtures.smoe("ctc_ln_swish_e2", DType.Q8);
        Path jar = jarWith(model);
        Path blocker = Files.writeString(tmp.resolve("a-file"), "not a folder"); // works even as root
        Path cache = blocker.resolve("speechmoe");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            IOException e = assertThrows(IOException.class,
                    () -> DefaultModel.extract(loader.getResource(DefaultModel.RESOURCE), cache));
            assertTrue(e.getMessage().contains("cache folder " + cache) && !e.getMessage().contains("\n"),
                    e.getMessage());
        }
    }

    @Test
    void aModelInAFolderIsUsedInPlace() throws IOException {
        Path model = ReferenceFixtures.smoe("ctc_ln_swish_e2", DType.Q8);
        Path dir = tmp.resolve("classes");
        Path target = dir.resolve(DefaultModel.RESOURCE);
        Files.createDirectories(target.getParent());
        Files.copy(model, target);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertEquals(target.toAbsolutePath(), DefaultModel.locate(loader).toAbsolutePath());
        }
    }

    @Test
    void withoutAnEmbeddedModelTheMessageSaysWhatToDo() throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            // the library names what is missing; the command line adds its own flag (TranscribeCommandTest)
            IOException e = assertThrows(NoDefaultModelException.class, () -> DefaultModel.locate(empty));
            assertTrue(e.getMessage().contains("embeds no default model")
                    && e.getMessage().contains("open a model file"), e.getMessage());
        }
    }
}

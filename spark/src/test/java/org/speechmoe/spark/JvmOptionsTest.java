package org.speechmoe.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/** spark/jvm.options, which the tests and run-local.sh start their JVMs with, is the Spark release's own list. */
class JvmOptionsTest {
    @Test
    void theArgumentFileHoldsSparksJavaModuleOptions() throws Exception {
        List<String> file = Files.readAllLines(Path.of("jvm.options")).stream().filter(l -> !l.isBlank()).toList();
        assertEquals(List.of(JavaModuleOptions.defaultModuleOptionArray()), file);
    }
}

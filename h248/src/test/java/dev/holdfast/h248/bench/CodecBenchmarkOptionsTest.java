package dev.holdfast.h248.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codec benchmark measures the codec as the product runs it: CodecBenchmark's fork options (used by direct JMH
 * runs) are bin/controller's default JVM options, the ones bin/bench-codec reads from the script. A change of the
 * controller's collector or compiler options without the benchmark's would measure a JVM the product does not run.
 */
class CodecBenchmarkOptionsTest {
    @Test
    void forkOptionsAreTheControllersDefaultJvmOptions() throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).getParent(); // surefire runs in h248/
        Path script = repo.resolve("bin/controller");
        assertTrue(Files.isExecutable(script), script + " is missing or not executable");
        // --default-jvm-options answers before the script checks or builds anything
        Process p = new ProcessBuilder(script.toString(), "--default-jvm-options").redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "bin/controller --default-jvm-options did not exit");
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.exitValue(), out);
        assertEquals(out, String.join(" ", CodecBenchmark.class.getAnnotation(Fork.class).jvmArgs()));
    }
}

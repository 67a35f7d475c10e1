package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** {@code routing --format html}: one page, no network, that a browser draws. */
class RoutingPageTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private static String page() {
        CliTest.Run r = CliTest.run("routing", "--format", "html", "--threads", "1", "-m", TestModel.path().toString(),
                TestModel.wav("chirp").toString(), TestModel.wav("vowels").toString());
        assertEquals(0, r.exit(), r.err());
        return r.out();
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void thePageHasPerLayerChartsAndPerFileRouteStripsAndFetchesNothing() {
        String html = page();
        int layers = 2;
        assertEquals(layers, count(html, "<svg class=\"experts\""), html);
        assertEquals(layers, count(html, "<svg class=\"gates\""));
        assertEquals(2, count(html, "<svg class=\"routes\""));
        assertTrue(html.contains("chirp.wav</h3>") && html.contains("vowels.wav</h3>"), html);
        assertEquals(0, count(html, "(?i)(src|href)=|<script|url\\("), "nothing is fetched");
    }

    @Test
    void namesAreEscaped() {
        assertEquals("a&lt;b&gt; &amp; &quot;c&#39;", RoutingPage.escape("a<b> & \"c'"));
    }

    /** Only where Debian's chromium is installed (CI may not have it). */
    @Test
    void headlessChromiumParsesAndDrawsThePage() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "no " + CHROMIUM);
        Path dir = Files.createTempDirectory("routing-page");
        Path file = dir.resolve("routing.html");
        Files.writeString(file, page());
        String dom = chromium(dir, "--dump-dom", file.toUri().toString());
        assertEquals(2, count(dom, "<svg class=\"experts\""), dom);
        assertEquals(2, count(dom, "<svg class=\"routes\""), dom);
        Path png = dir.resolve("page.png");
        chromium(dir, "--screenshot=" + png, "--window-size=1100,900", file.toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        long coloured = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
                    coloured++;
                }
            }
        }
        assertTrue(coloured > 2000, "the bars are drawn in colour: " + coloured + " coloured pixels");
    }

    private static String chromium(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + dir.resolve("profile")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(dir.resolve("chromium.log").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("chromium.log")));
        return out;
    }
}

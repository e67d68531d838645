package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report opened in a real browser: Debian's headless {@code chromium} loads the page from disk
 * with networking off, logs no console error, and paints the figures (the direct-pruning colour is
 * on the screenshot). The screenshot is kept as {@code target/report-browser/report.png} to look at.
 * Skipped, saying so, where no chromium is installed ({@code apt-get install chromium}).
 */
@Tag("browser")
class ReportBrowserTest {
  @TempDir Path dir;

  static Path chromium() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path c = Path.of(p, name);
        if (Files.isExecutable(c)) {
          return c;
        }
      }
    }
    return null;
  }

  @Test
  void reportOpensInHeadlessChromium_withoutConsoleErrors_andPaintsItsFigures() throws Exception {
    Path browser = chromium();
    if (browser == null) {
      System.out.println("ReportBrowserTest skipped: no chromium on PATH (apt-get install chromium)");
    }
    Assumptions.assumeTrue(browser != null, "no chromium on PATH (apt-get install chromium)");
    ReportCommandTest fixtures = new ReportCommandTest();
    fixtures.dir = dir;
    Path root = fixtures.detRoot();
    Path page = dir.resolve("report.html");
    String[] r = fixtures.report("--root", root.toString(), "--out", page.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");

    Shot shot = open(browser, page, dir);
    assertThat(shot.console()).as("console messages of the page").isEmpty();

    BufferedImage image = shot.image();
    assertThat(image.getWidth()).isEqualTo(1200);
    int direct = count(image, 0x1f4e79);
    assertThat(direct).as("pixels of the direct-pruning series painted").isGreaterThan(200);
    Path keep = Files.createDirectories(Path.of("target", "report-browser"));
    Files.copy(shot.png(), keep.resolve("report.png"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(page, keep.resolve("report.html"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** A page as headless chromium painted it: the screenshot and the page's console messages. */
  record Shot(Path png, BufferedImage image, List<String> console) {}

  /** Opens {@code page} from disk in headless {@code browser} with networking off; files go to {@code dir}. */
  static Shot open(Path browser, Path page, Path dir) throws Exception {
    Path png = dir.resolve("shot.png");
    Path profile = Files.createDirectories(dir.resolve("profile"));
    List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-extensions", "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile,
        "--window-size=1200,2400", "--hide-scrollbars", "--screenshot=" + png, page.toUri().toString()));
    Path log = dir.resolve("chromium.log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(log));
    }
    String output = Files.readString(log);
    assertThat(png).as(output).exists();
    List<String> console = output.lines().filter(l -> l.contains(":CONSOLE") || l.contains("Uncaught")).toList();
    return new Shot(png, ImageIO.read(png.toFile()), console);
  }

  /** Pixels of {@code image} within 6 levels per channel of {@code rgb}. */
  static int count(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (near(image.getRGB(x, y) & 0xFFFFFF, rgb)) {
          n++;
        }
      }
    }
    return n;
  }

  private static boolean near(int rgb, int target) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((rgb >> shift) & 0xFF) - ((target >> shift) & 0xFF)) > 6) {
        return false;
      }
    }
    return true;
  }
}

package io.ticketlab.report;

import de.erichseifert.vectorgraphics2d.Document;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import io.ticketlab.common.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Several XChart panels laid out in a grid under one title, saved as PNG or SVG. Rendering is
 * headless: {@code java.awt.headless} is set before anything touches AWT.
 */
public final class Figure {
  private static final int TITLE_HEIGHT = 48;

  private final String title;
  private final List<? extends Chart<?, ?>> panels;
  private final int columns;
  private final int panelWidth;
  private final int panelHeight;

  /**
   * @param title the figure's title, drawn above the panels
   * @param panels the charts, filled row by row
   * @param columns panels per row
   * @param panelWidth width of each panel in pixels
   * @param panelHeight height of each panel in pixels
   */
  public Figure(String title, List<? extends Chart<?, ?>> panels, int columns, int panelWidth,
      int panelHeight) {
    if (panels.isEmpty() || columns < 1) {
      throw new IllegalArgumentException("a figure needs panels and at least one column");
    }
    this.title = title;
    this.panels = List.copyOf(panels);
    this.columns = Math.min(columns, panels.size());
    this.panelWidth = panelWidth;
    this.panelHeight = panelHeight;
  }

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** The title drawn above the panels. */
  public String title() {
    return title;
  }

  /** The charts, in the order they are drawn (row by row); for tests that read what is shown. */
  List<? extends Chart<?, ?>> panels() {
    return panels;
  }

  /** Width of the whole figure in pixels. */
  public int width() {
    return columns * panelWidth;
  }

  /** Height of the whole figure in pixels. */
  public int height() {
    int rows = (panels.size() + columns - 1) / columns;
    return TITLE_HEIGHT + rows * panelHeight;
  }

  /** Saves the figure as a PNG, at {@code scale} times its size (2 for print). */
  public void savePng(Path file, double scale) {
    int w = (int) Math.round(width() * scale);
    int h = (int) Math.round(height() * scale);
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.scale(scale, scale);
      paint(g);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", bytes);
      write(file, bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Saves the figure as an SVG. */
  public void saveSvg(Path file) {
    VectorGraphics2D g = new VectorGraphics2D();
    paint(g);
    Document doc = new SVGProcessor().getDocument(g.getCommands(),
        new PageSize(0.0, 0.0, width(), height()));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      doc.writeTo(bytes);
      write(file, bytes.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Saves {@code DIR/NAME.png} and {@code DIR/NAME.svg}; returns both paths. */
  public List<Path> saveBoth(Path dir, String name) {
    try {
      AtomicFiles.createFolder(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path png = dir.resolve(name + ".png");
    Path svg = dir.resolve(name + ".svg");
    savePng(png, 1.5);
    saveSvg(svg);
    return List.of(png, svg);
  }

  private void paint(Graphics2D g) {
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width(), height());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    FontMetrics fm = g.getFontMetrics();
    g.drawString(title, Math.max(8, (width() - fm.stringWidth(title)) / 2), 32);
    for (int i = 0; i < panels.size(); i++) {
      int x = (i % columns) * panelWidth;
      int y = TITLE_HEIGHT + (i / columns) * panelHeight;
      Graphics2D panel = (Graphics2D) g.create(x, y, panelWidth, panelHeight);
      try {
        panels.get(i).paint(panel, panelWidth, panelHeight);
      } finally {
        panel.dispose();
      }
    }
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    AtomicFiles.write(file, out -> out.write(bytes));
  }
}

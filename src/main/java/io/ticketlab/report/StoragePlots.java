package io.ticketlab.report;

import io.ticketlab.common.AtomicFiles;
import io.ticketlab.storage.MacCounter;
import io.ticketlab.storage.SizeReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * The paper's supplementary Figure 4: disk space against sparsity (one line per storage format,
 * plus the entropy bound) and MACs against sparsity (dense and sparse), as PNG files.
 */
public final class StoragePlots {
  private StoragePlots() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Disk size (MB) of each format against network sparsity (%), one point per report. */
  public static XYChart diskSizeChart(List<SizeReport> reports) {
    List<SizeReport> sorted = reports.stream().sorted(Comparator.comparingDouble(SizeReport::sparsity)).toList();
    XYChart chart = new XYChartBuilder().width(800).height(500).title("Disk space vs sparsity")
        .xAxisTitle("network sparsity (%)").yAxisTitle("size (MB)").build();
    double[] x = sorted.stream().mapToDouble(r -> 100 * r.sparsity()).toArray();
    if (!sorted.isEmpty()) {
      for (String format : sorted.get(0).formats()) {
        chart.addSeries(format, x, sorted.stream().mapToDouble(r -> r.fileBytes().get(format) / 1e6).toArray());
      }
      chart.addSeries("entropy bound", x, sorted.stream().mapToDouble(r -> r.boundBytes() / 1e6).toArray());
    }
    return chart;
  }

  /**
   * Dense and sparse GMACs against network sparsity (%).
   *
   * @param sparsity the network sparsity (fraction) of the checkpoint behind each report
   */
  public static XYChart macsChart(List<Double> sparsity, List<MacCounter.Report> reports) {
    if (sparsity.size() != reports.size()) {
      throw new IllegalArgumentException(sparsity.size() + " sparsities for " + reports.size() + " reports");
    }
    double[] x = sparsity.stream().mapToDouble(s -> 100 * s).toArray();
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title("MACs vs sparsity" + (reports.isEmpty() ? "" : " (" + reports.get(0).architecture() + ")"))
        .xAxisTitle("network sparsity (%)").yAxisTitle("GMACs per image").build();
    chart.addSeries("dense", x, reports.stream().mapToDouble(r -> r.denseMacs() / 1e9).toArray());
    chart.addSeries("sparse", x, reports.stream().mapToDouble(r -> r.sparseMacs() / 1e9).toArray());
    return chart;
  }

  /** Writes a chart as PNG, atomically. */
  public static void savePng(XYChart chart, Path file) throws IOException {
    byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(file, out -> out.write(png));
  }
}

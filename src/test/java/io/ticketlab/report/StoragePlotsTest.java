package io.ticketlab.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.common.FloatTensor;
import io.ticketlab.storage.Architecture;
import io.ticketlab.storage.Architectures;
import io.ticketlab.storage.Layer;
import io.ticketlab.storage.MacCounter;
import io.ticketlab.storage.SizeReport;
import io.ticketlab.storage.SparseFormats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoragePlotsTest {
  @TempDir Path dir;

  @Test
  void diskAndMacCharts_areWrittenAsPng() throws Exception {
    Architecture arch = Architectures.resnet(18, 32, 32);
    List<SizeReport> sizes = new ArrayList<>();
    List<MacCounter.Report> macs = new ArrayList<>();
    List<Double> sparsity = new ArrayList<>();
    Random random = new Random(1);
    for (double density : new double[] {1.0, 0.5, 0.2, 0.1}) {
      LinkedHashMap<String, FloatTensor> weights = new LinkedHashMap<>();
      for (Layer l : arch.layers().subList(0, 5)) { // stem and layer1: small and quick
        FloatTensor t = FloatTensor.zeros(l.weightShape());
        for (int i = 0; i < t.size(); i++) {
          t.data()[i] = random.nextDouble() < density ? 1f + random.nextFloat() : 0f;
        }
        weights.put(l.weightName(), t);
      }
      SizeReport r = SizeReport.of(weights, List.of(SparseFormats.DENSE, SparseFormats.PAPER, SparseFormats.ENTROPY));
      sizes.add(r);
      sparsity.add(r.sparsity());
      macs.add(MacCounter.count(arch, weights, null));
    }
    Path disk = dir.resolve("disk.png");
    Path ops = dir.resolve("macs.png");
    StoragePlots.savePng(StoragePlots.diskSizeChart(sizes), disk);
    StoragePlots.savePng(StoragePlots.macsChart(sparsity, macs), ops);
    assertThat(Files.readAllBytes(disk)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    assertThat(Files.size(ops)).isGreaterThan(1000);
    assertThat(StoragePlots.diskSizeChart(sizes).getSeriesMap()).containsKeys("paper", "entropy", "entropy bound");
  }
}

package io.ticketlab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The table rows of a task read as the paper's story whatever the experiments' hash names: direct
 * pruning (dense, then the levels), its controls, the ImageNet ticket, mask transfer, cross-task;
 * replicates of one level collapse into one row (mean and population std).
 */
class HtmlReportRowsTest {
  private static ReportInput.Level level(String experiment, String kind, int replicate, int level, double ap) {
    return new ReportInput.Level(experiment, "seg", kind, replicate, level, level == 0 ? 0 : 80, level == 0 ? 0 : 78,
        "bbox/AP", Map.of("bbox/AP", ap), "runs/" + experiment, Map.of());
  }

  @Test
  void rows_directFirstThenControlsThenTransfers_notByExperimentName() {
    List<ReportInput.Level> levels = List.of(
        level("lottery_0aaa", ReportInput.MASK_TRANSFER, 0, 0, 0.30),
        level("lottery_1bbb", "cross-task from kp", 0, 0, 0.20),
        level("lottery_9zzz", "random-pruning", 0, 1, 0.10),
        level("lottery_9zzz", ReportInput.DIRECT, 0, 1, 0.40),
        level("lottery_9zzz", ReportInput.DIRECT, 1, 1, 0.44),
        level("lottery_9zzz", ReportInput.DIRECT, 0, 0, 0.50),
        level("lottery_5mmm", ReportInput.IMAGENET_TICKET, 0, 0, 0.35));

    List<HtmlReport.Row> rows = HtmlReport.rows(levels);

    assertThat(rows).extracting(HtmlReport.Row::kind, HtmlReport.Row::level).containsExactly(
        org.assertj.core.groups.Tuple.tuple(ReportInput.DIRECT, 0),
        org.assertj.core.groups.Tuple.tuple(ReportInput.DIRECT, 1),
        org.assertj.core.groups.Tuple.tuple("random-pruning", 1),
        org.assertj.core.groups.Tuple.tuple(ReportInput.IMAGENET_TICKET, 0),
        org.assertj.core.groups.Tuple.tuple(ReportInput.MASK_TRANSFER, 0),
        org.assertj.core.groups.Tuple.tuple("cross-task from kp", 0));
    HtmlReport.Row ticket = rows.get(1);
    assertThat(ticket.replicates()).isEqualTo(2);
    assertThat(ticket.metrics().get("bbox/AP")[0]).isCloseTo(42.0, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(ticket.metrics().get("bbox/AP")[1]).isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-9));
  }
}

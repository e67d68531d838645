package io.ticketlab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The findings the demo reads off its rows head the report page, each with its verdict and numbers. */
class FindingsSectionTest {
  private static final ReportInput EMPTY = new ReportInput(List.of("runs"), List.of(), List.of(), List.of(), List.of(),
      List.of(), Map.of());

  @Test
  void findings_headThePage_withTheirVerdicts_numbersAndACsv() {
    HtmlReport report = HtmlReport.of(EMPTY, List.of(new Finding("a <ticket> within a few AP points", true, "0.559 vs 0.547"),
        new Finding("random pruning clearly below", false, "0.520 vs 0.559")), "Read off the demo's rows.");
    String html = report.html();
    assertThat(html.indexOf("<h2 id=\"findings\">")).isPositive().isLessThan(html.indexOf("<h2 id=\"tables\">"));
    assertThat(html).contains("1 of 2 show here. Read off the demo&#39;s rows.")
        .contains("<tr data-shows=\"true\"><td>a &lt;ticket&gt; within a few AP points</td><td>shows</td>"
            + "<td>0.559 vs 0.547</td></tr>")
        .contains("<tr data-shows=\"false\"><td>random pruning clearly below</td><td>does not show</td>"
            + "<td>0.520 vs 0.559</td></tr>");
    assertThat(report.files().get("findings.csv")).isEqualTo("finding,shows,evidence\n"
        + "a <ticket> within a few AP points,true,0.559 vs 0.547\nrandom pruning clearly below,false,0.520 vs 0.559\n");
  }

  @Test
  void withoutFindings_thereIsNoSection_andThePageIsTheReportCommands() {
    assertThat(HtmlReport.of(EMPTY, List.of(), "").html()).doesNotContain("id=\"findings\"")
        .isEqualTo(HtmlReport.of(EMPTY).html());
    assertThat(HtmlReport.of(EMPTY).files()).doesNotContainKey("findings.csv");
  }
}

package io.ticketlab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which level the ticket-structure sections show, on hand-built {@link ReportInput.Costs}. */
class CostSectionsTest {
  static ReportInput.Costs costs(String kind, int replicate, int level, double sparsity) {
    String folder = "replicate_" + replicate + "/level_" + level + "/"
        + (kind.equals(ReportInput.DIRECT) || kind.equals(ReportInput.MASK_TRANSFER) ? "main" : "branch_" + kind);
    return new ReportInput.Costs("e", kind, replicate, level, folder, sparsity,
        List.of(new ReportInput.Count("conv1.weight", 10, Math.round(sparsity / 10))), "sparsity.json", null,
        List.of(new ReportInput.Count("stem", 10, Math.round(sparsity / 10))), null, Map.of("dense", 100L), null,
        "net", 10, 5, null);
  }

  @Test
  void ticketLevel_isTheSparsestTicketOfTheExperimentsOwnKind_withTheControlsBesideIt() {
    List<ReportInput.Costs> all = List.of(
        costs(ReportInput.DIRECT, 0, 1, 50), costs(ReportInput.DIRECT, 1, 2, 70), costs(ReportInput.DIRECT, 0, 2, 70),
        costs("random-pruning", 0, 2, 90), costs("random-reinit", 0, 2, 70), costs("random-pruning", 1, 1, 50));
    List<ReportInput.Costs> shown = CostSections.ticketLevel(all);
    // the branch is sparser, but it is a control; on a tie the lower replicate
    assertThat(shown.get(0)).isSameAs(all.get(2));
    assertThat(shown.subList(1, shown.size())).containsExactly(all.get(3), all.get(4));
  }

  @Test
  void ticketLevel_ofATransfer_isItsOwnLevel() {
    List<ReportInput.Costs> all = List.of(costs(ReportInput.MASK_TRANSFER, 0, 0, 40),
        costs(ReportInput.MASK_TRANSFER, 1, 0, 41));
    assertThat(CostSections.ticketLevel(all)).containsExactly(all.get(1));
    assertThat(CostSections.ticketLevel(List.of(costs("random-pruning", 0, 1, 50)))).isEmpty();
  }
}

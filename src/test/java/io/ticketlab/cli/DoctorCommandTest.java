package io.ticketlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ticketlab.engine.OneDnnStride2Probe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("engine")
class DoctorCommandTest {
  @Test
  void doctor_reportsCpuVersionsAndEngineOk() {
    MainTest.Outcome o = MainTest.run("doctor", "--no-probe");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out())
        .containsPattern("PyTorch +2\\.7\\.1")
        .contains("DJL")
        .contains("CPU cores")
        .containsPattern("Self-check +passed")
        .containsPattern("Float32 check +passed")
        .contains("engine OK");
    assertThat(o.err()).isEmpty();
  }

  @Test
  void oneDnnProbe_givesAnAnswerWithoutKillingThisJvm() {
    OneDnnStride2Probe.Report report = OneDnnStride2Probe.probe(300);
    assertThat(report.outcome())
        .as(report.detail())
        .isIn(OneDnnStride2Probe.Outcome.AFFECTED, OneDnnStride2Probe.Outcome.NOT_AFFECTED);
  }
}

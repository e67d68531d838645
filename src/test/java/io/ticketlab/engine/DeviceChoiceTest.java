package io.ticketlab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code --device} forms and how they map onto the GPUs an engine sees. */
class DeviceChoiceTest {
  @Test
  void forms_resolveAgainstTheGpusSeen() {
    assertThat(DeviceChoice.parse("auto").resolve(0)).containsExactly(Device.cpu());
    assertThat(DeviceChoice.parse("auto").resolve(2)).containsExactly(Device.gpu(0));
    assertThat(DeviceChoice.parse(" CPU ").resolve(4)).containsExactly(Device.cpu());
    assertThat(DeviceChoice.parse("gpu").resolve(1)).containsExactly(Device.gpu(0));
    assertThat(DeviceChoice.parse("cuda:1").resolve(2)).containsExactly(Device.gpu(1));
    assertThat(DeviceChoice.parse("gpu:2,0").resolve(3)).containsExactly(Device.gpu(2), Device.gpu(0));
    assertThat(DeviceChoice.parse("gpus").resolve(3)).containsExactly(Device.gpu(0), Device.gpu(1), Device.gpu(2));
  }

  @Test
  void spelledBack_asParsed() {
    for (String s : List.of("auto", "cpu", "gpus", "gpu:0", "gpu:3,1")) {
      assertThat(DeviceChoice.parse(s)).hasToString(s);
      assertThat(DeviceChoice.parse(DeviceChoice.parse(s).toString())).isEqualTo(DeviceChoice.parse(s));
    }
  }

  @Test
  void badSpellings_areNamed() {
    assertThatThrownBy(() -> DeviceChoice.parse("tpu")).hasMessageContaining("expected auto, cpu, gpu");
    assertThatThrownBy(() -> DeviceChoice.parse("gpu:a")).hasMessageContaining("'a' is not a number");
    assertThatThrownBy(() -> DeviceChoice.parse("gpu:0,")).hasMessageContaining("'' is not a number");
    assertThatThrownBy(() -> DeviceChoice.parse("gpu:-1")).hasMessageContaining("negative");
    assertThatThrownBy(() -> DeviceChoice.parse("gpu:1,1")).hasMessageContaining("GPU 1 is listed twice");
    assertThatThrownBy(() -> DeviceChoice.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gpusTheEngineLacks_areRefusedWithTheWayOut() {
    assertThatThrownBy(() -> DeviceChoice.parse("gpu").resolve(0))
        .hasMessageContaining("the engine sees no GPU")
        .hasMessageContaining("TICKETLAB_PYTORCH_FLAVOR=cu128");
    assertThatThrownBy(() -> DeviceChoice.parse("gpus").resolve(0)).hasMessageContaining("no GPU");
    assertThatThrownBy(() -> DeviceChoice.parse("gpu:0,2").resolve(2))
        .hasMessageContaining("GPU 2 does not exist: the engine sees 2 GPUs (0..1)");
  }
}

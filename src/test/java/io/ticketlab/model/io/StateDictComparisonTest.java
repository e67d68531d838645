package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import io.ticketlab.model.io.StateDictComparison.Mode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDictComparisonTest {
  private static final Path FILE = Fixtures.path("tiny_zip.pth");

  private static Map<String, int[]> tinyShapes() {
    return PthReader.readStateDict(FILE).shapes();
  }

  @Test
  void matchingModel_isClean() {
    StateDictComparison.Report r =
        StateDictComparison.check(FILE, tinyShapes(), PthReader.readStateDict(FILE), Mode.STRICT);
    assertThat(r.isClean()).isTrue();
    assertThat(r.matched()).hasSize(9);
    assertThat(r.describe(10)).isEqualTo("all 9 keys match");
  }

  @Test
  void differences_areReportedByName() {
    Map<String, int[]> model = new LinkedHashMap<>(tinyShapes());
    model.remove("bn.num_batches_tracked");
    model.put("fc.weight", new int[] {10, 4});
    model.put("head.bias", new int[] {10});
    StateDictComparison.Report r =
        StateDictComparison.compare(model, PthReader.readStateDict(FILE));
    assertThat(r.missing()).containsExactly("head.bias");
    assertThat(r.unexpected()).containsExactly("bn.num_batches_tracked");
    assertThat(r.misShaped()).singleElement()
        .satisfies(m -> assertThat(m.toString()).isEqualTo("fc.weight: model [10, 4], file [3, 4]"));
    assertThat(r.loadable(PthReader.readStateDict(FILE)).names())
        .containsExactly("conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean",
            "bn.running_var", "fc.bias");
  }

  @Test
  void strictMode_refusesNamingTheKeys_partialModeReturnsTheReport() {
    Map<String, int[]> model = new LinkedHashMap<>(tinyShapes());
    model.put("fc.weight", new int[] {10, 4});
    StateDict loaded = PthReader.readStateDict(FILE);
    assertThatThrownBy(() -> StateDictComparison.check(FILE, model, loaded, Mode.STRICT))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(FILE.toString())
        .hasMessageContaining("1 mis-shaped (fc.weight: model [10, 4], file [3, 4])")
        .hasMessageContaining("--partial");
    assertThat(StateDictComparison.check(FILE, model, loaded, Mode.PARTIAL).misShaped()).hasSize(1);
  }

  @Test
  void longLists_areTruncatedInTheMessage() {
    Map<String, int[]> model = new LinkedHashMap<>();
    for (int i = 0; i < 25; i++) {
      model.put("layer" + i + ".weight", new int[] {1});
    }
    assertThatThrownBy(() ->
            StateDictComparison.check(FILE, model, PthReader.readStateDict(FILE), Mode.STRICT))
        .hasMessageContaining("25 missing (layer0.weight, ")
        .hasMessageContaining("layer9.weight, ... and 15 more")
        .hasMessageNotContaining("layer10.weight")
        .hasMessageContaining("9 unexpected");
  }
}

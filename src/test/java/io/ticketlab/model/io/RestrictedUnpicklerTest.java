package io.ticketlab.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ticketlab.common.BadInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-written pickles against the restricted unpickler. */
class RestrictedUnpicklerTest {
  private static final Path FILE = Path.of("crafted.pth");

  private static Object load(String opcodes) {
    return load(opcodes.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static Object load(byte[] pickle) {
    return new RestrictedUnpickler(FILE, "data.pkl", pickle, 0, null).load();
  }

  @Test
  void plainValues_areRead() {
    // {'a': [1, True, None], 'b': (2.5,)} in protocol 2
    Object v = load("\u0080\u0002}q\u0000(X\u0001\u0000\u0000\u0000a]q\u0001(K\u0001\u0088Ne"
        + "X\u0001\u0000\u0000\u0000bG@\u0004\u0000\u0000\u0000\u0000\u0000\u0000\u0085u.");
    assertThat(v).isEqualTo(Map.of("a", java.util.Arrays.asList(1L, true, null),
        "b", new PyTuple(List.of(2.5))));
  }

  @Test
  void textIntegersThatAreNotNumbers_areRefused() {
    // LONG and INT opcodes with a sign inside the digits (found by CheckpointFuzzProperties)
    assertThatThrownBy(() -> load("L1-2L\n.")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("malformed pickle: bad LONG");
    assertThatThrownBy(() -> load("I1-2\n.")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("malformed pickle: bad INT");
    assertThat(load("L-12L\n.")).isEqualTo(-12L);
  }

  @Test
  void globalOutsideTheAllowList_isRefusedWhenNamed() {
    assertThatThrownBy(() -> load("\u0080\u0002cos\nsystem\nX\u0002\u0000\u0000\u0000lsR."))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("crafted.pth: data.pkl: bad value os.system: refused global");
    assertThatThrownBy(() -> load("cbuiltins\ngetattr\n."))
        .hasMessageContaining("builtins.getattr");
  }

  @Test
  void reduceOnSomethingThatIsNotAnAllowedGlobal_isRefused() {
    assertThatThrownBy(() -> load("\u0080\u0002X\u0001\u0000\u0000\u0000f)R."))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("refused REDUCE");
    // An allowed global that is only a type, used as a callable.
    assertThatThrownBy(() -> load("\u0080\u0002ctorch\nFloatStorage\n)R."))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("torch.FloatStorage is not callable here");
  }

  @Test
  void objectBuildingOpcodes_areRefused() {
    assertThatThrownBy(() -> load("\u0080\u0002ccollections\nOrderedDict\n)}\u0092."))
        .hasMessageContaining("NEWOBJ_EX");
    assertThatThrownBy(() -> load("(i__main__\nEvil\n."))
        .hasMessageContaining("INST");
    assertThatThrownBy(() -> load("\u0080\u0002]}b."))
        .hasMessageContaining("refused BUILD");
  }

  @Test
  void truncatedOrMalformedPickles_areRefusedCleanly() {
    assertThatThrownBy(() -> load("\u0080\u0002X\u00ff\u0000\u0000\u0000ab"))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> load("\u0080\u0002K\u0001K\u0002."))
        .hasMessageContaining("2 values left at STOP");
    assertThatThrownBy(() -> load("\u0080\u0002h\u0007."))
        .hasMessageContaining("memo key not set");
    assertThatThrownBy(() -> load("\u0080\u0002\u00ff."))
        .hasMessageContaining("unsupported pickle opcode");
    assertThatThrownBy(() -> load("\u0080\u0002Q."))
        .hasMessageContaining("stack underflow");
  }

  @Test
  void selfContainingList_isRefusedWhenMaterialised() {
    Path file = Fixtures.path("recursive_zip.pth");
    assertThatThrownBy(() -> PthReader.readObject(file))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("contains itself");
    assertThatThrownBy(() -> PthReader.readStateDict(file))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("loop (ArrayList)");
  }
}

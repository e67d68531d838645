package io.ticketlab.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Damage for fuzz tests of readers: a few edits (flip a byte, cut the rest, delete or duplicate a
 * range, insert a token that readers treat specially) applied to a valid file.
 */
public final class Mutations {
  private Mutations() {}

  /** One edit at a relative position (0..1) of the content. */
  public record Edit(int kind, double at, double length, int token, int bits) {}

  private static final List<String> TOKENS = List.of("", "{", "}", "[", "]", ",", ":", "\"", "null", "true",
      "-1", "0", "1e999", "NaN", "-Infinity", "9223372036854775808", "1.5", "\"x\"", "[]", "{}", "<", ">",
      "</object>", "<object>", "&amp;", "<!--", "\u0000", "\uffff", "\\u0000");

  public static Arbitrary<List<Edit>> edits() {
    Arbitrary<Edit> edit = Combinators.combine(
        Arbitraries.integers().between(0, 4),
        Arbitraries.doubles().between(0, 1),
        Arbitraries.doubles().between(0, 0.2),
        Arbitraries.integers().between(0, TOKENS.size() - 1),
        Arbitraries.integers().between(1, 255)).as(Edit::new);
    return edit.list().ofMinSize(1).ofMaxSize(4);
  }

  public static byte[] apply(byte[] original, List<Edit> edits) {
    byte[] b = original;
    for (Edit e : edits) {
      int n = b.length;
      int at = n == 0 ? 0 : Math.min(n - 1, (int) (e.at() * n));
      int len = Math.max(1, (int) (e.length() * n));
      switch (e.kind()) {
        case 0 -> {
          if (n > 0) {
            b = b.clone();
            b[at] ^= (byte) e.bits();
          }
        }
        case 1 -> b = Arrays.copyOf(b, at);
        case 2 -> b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, Math.min(n, at + len), n));
        case 3 -> b = concat(Arrays.copyOf(b, Math.min(n, at + len)), Arrays.copyOfRange(b, at, n));
        default -> b = concat(concat(Arrays.copyOf(b, at), TOKENS.get(e.token()).getBytes(StandardCharsets.UTF_8)),
            Arrays.copyOfRange(b, at, n));
      }
    }
    return b;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

package io.ticketlab.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

/**
 * Every 2-D convolution of TicketLab's models: PyTorch's {@code conv2d} with square stride,
 * padding and dilation, and, on machines whose AVX-512 oneDNN kernels are wrong for some shapes
 * ({@link OneDnnIsa#ROUTED}), those shapes rewritten into equivalent ones whose kernels are right.
 *
 * <p>Measured on this project's AMD EPYC VMs (libtorch 2.7.1, {@code docs/benchmarks.md}): with
 * channel counts that are multiples of 16 the AVX-512 kernels are exact, but forward pass and
 * gradients go wrong (relative errors 1e-2 to NaN) when the input channels are above 16 and not a
 * multiple of 16, or, for strided convolutions, not a multiple of 32; the input gradient goes wrong
 * when the output channels are not a multiple of 16; and a 7×7 kernel whose output is a single
 * position is wrong whatever the channels; the AVX2 kernels go wrong for 12 input channels and, in
 * the input gradient, for output channels that are not a multiple of 8. The rewrites, each exact in real arithmetic (they add
 * products with zeros, which are exact in floating point, or reorder nothing):
 *
 * <ul>
 *   <li>a grouped convolution runs as one convolution per group;
 *   <li>an output of one position per image is a matrix product of the input window (the part of
 *       the kernel that falls on padding is dropped);
 *   <li>input channels above 8 are padded with zero channels (and zero weights) to a multiple of
 *       32 (the AVX2 kernels go wrong for 12 input channels as the AVX-512 ones do for 24);
 *   <li>output channels are padded with zero filters to a multiple of 16 and cut off afterwards.
 * </ul>
 *
 * <p>Whether they are in force is decided once per machine by the engine probe ({@link
 * OneDnnIsa}): it checks float32 against float64 on a few hundred shapes, raw and rewritten, and
 * keeps the AVX-512 kernels only where the rewritten shapes are all exact; otherwise oneDNN is
 * capped at AVX2, as before. On a GPU, or with the rewrites off, this is plain {@code conv2d}.
 */
public final class Convolutions {
  private static volatile boolean rewriting;
  private static volatile java.util.function.Consumer<int[]> observer;

  private Convolutions() {}

  /** Turns the rewrites on or off (the engine start-up does this from the probe's answer). */
  static void setRewriting(boolean on) {
    rewriting = on;
  }

  /**
   * Calls {@code o} with every convolution's shape ({@code N, C, out, H, W, k, stride, padding,
   * dilation, groups}) until called with null: how the tests find every shape a model computes.
   */
  static void observe(java.util.function.Consumer<int[]> o) {
    observer = o;
  }

  /** Whether the rewrites are in force in this process. */
  public static boolean rewriting() {
    return rewriting;
  }

  /**
   * {@code conv2d(x, w, b)} for x [N, C, H, W] and w [out, C/groups, k, k]; {@code b} may be null.
   */
  public static NDArray conv2d(
      NDArray x, NDArray w, NDArray b, int stride, int padding, int dilation, int groups) {
    java.util.function.Consumer<int[]> o = observer;
    if (o != null) {
      Shape xs = x.getShape();
      Shape ws = w.getShape();
      o.accept(new int[] {
        (int) xs.get(0), (int) xs.get(1), (int) ws.get(0), (int) xs.get(2), (int) xs.get(3), (int) ws.get(2),
        stride, padding, dilation, groups
      });
    }
    if (!rewriting || x.getDevice().getDeviceType() != Device.Type.CPU) {
      return plain(x, w, b, stride, padding, dilation, groups);
    }
    return rewritten(x, w, b, stride, padding, dilation, groups);
  }

  /** The rewritten form whatever the switch says (for the probe and the tests). */
  static NDArray rewritten(
      NDArray x, NDArray w, NDArray b, int stride, int padding, int dilation, int groups) {
    if (groups > 1) {
      NDList xs = x.split(groups, 1);
      NDList ws = w.split(groups, 0);
      NDList bs = b == null ? null : b.split(groups, 0);
      NDList ys = new NDList(groups);
      for (int g = 0; g < groups; g++) {
        ys.add(rewritten(xs.get(g), ws.get(g), bs == null ? null : bs.get(g), stride, padding, dilation, 1));
      }
      return NDArrays.concat(ys, 1);
    }
    Shape xs = x.getShape();
    long h = xs.get(2);
    long wd = xs.get(3);
    long k = w.getShape().get(2);
    long oh = (h + 2L * padding - (long) dilation * (k - 1) - 1) / stride + 1;
    long ow = (wd + 2L * padding - (long) dilation * (k - 1) - 1) / stride + 1;
    if (oh == 1 && ow == 1 && k > 1) {
      return singlePosition(x, w, b, padding, dilation);
    }
    long cin = xs.get(1);
    long cout = w.getShape().get(0);
    NDArray xi = x;
    NDArray wi = w;
    if (cin > 8 && cin % 32 != 0) {
      long extra = roundUp(cin, 32) - cin;
      xi = xi.concat(x.getManager().zeros(new Shape(xs.get(0), extra, h, wd), x.getDataType(), x.getDevice()), 1);
      wi = wi.concat(w.getManager().zeros(new Shape(cout, extra, k, k), w.getDataType(), w.getDevice()), 1);
    }
    if (cout % 16 == 0) {
      return plain(xi, wi, b, stride, padding, dilation, 1);
    }
    long extra = roundUp(cout, 16) - cout;
    wi = wi.concat(w.getManager().zeros(new Shape(extra, wi.getShape().get(1), k, k), w.getDataType(), w.getDevice()), 0);
    NDArray bi = b == null ? null : b.concat(b.getManager().zeros(new Shape(extra), b.getDataType(), b.getDevice()), 0);
    return plain(xi, wi, bi, stride, padding, dilation, 1).get(":, :" + cout);
  }

  /**
   * A convolution whose output is one position per image: the kernel taps that fall on the input
   * (rows and columns {@code -padding + i·dilation} inside it) times those input pixels, summed:
   * one matrix product [N, C·taps] × [C·taps, out].
   */
  private static NDArray singlePosition(NDArray x, NDArray w, NDArray b, int padding, int dilation) {
    long n = x.getShape().get(0);
    long h = x.getShape().get(2);
    long wd = x.getShape().get(3);
    long k = w.getShape().get(2);
    long cout = w.getShape().get(0);
    long r0 = ceilDiv(padding, dilation);
    long r1 = Math.min(k - 1, (h - 1 + padding) / dilation);
    long c0 = r0;
    long c1 = Math.min(k - 1, (wd - 1 + padding) / dilation);
    NDArray y;
    if (r0 > r1 || c0 > c1) {
      // the whole window lies on padding: zeros, with (zero) gradients to both operands
      y = x.getManager().zeros(new Shape(n, cout), x.getDataType(), x.getDevice())
          .add(x.sum().mul(0)).add(w.sum().mul(0));
    } else {
      String rows = (r0 * dilation - padding) + ":" + (r1 * dilation - padding + 1) + ":" + dilation;
      String cols = (c0 * dilation - padding) + ":" + (c1 * dilation - padding + 1) + ":" + dilation;
      NDArray window = x.get(":, :, " + rows + ", " + cols).reshape(n, -1);
      NDArray taps = w.get(":, :, " + r0 + ":" + (r1 + 1) + ", " + c0 + ":" + (c1 + 1)).reshape(cout, -1);
      y = window.matMul(taps.transpose());
    }
    if (b != null) {
      y = y.add(b);
    }
    return y.reshape(n, cout, 1, 1);
  }

  private static NDArray plain(
      NDArray x, NDArray w, NDArray b, int stride, int padding, int dilation, int groups) {
    return Conv2d.conv2d(
            x,
            w,
            b,
            new Shape(stride, stride),
            new Shape(padding, padding),
            new Shape(dilation, dilation),
            groups)
        .singletonOrThrow();
  }

  private static long roundUp(long v, long m) {
    return (v + m - 1) / m * m;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}

package io.ticketlab.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Keeps the engine's large tensors from paying for fresh memory on every allocation.
 *
 * <p>libtorch allocates each tensor with {@code malloc}; glibc serves blocks above its mmap
 * threshold (at most 32 MiB) with a fresh {@code mmap} and unmaps them on free, so every step of a
 * detector's training faults in its large activations and gradients again, page by page. On this
 * project's VMs that cost about 90 ms per 51 MB tensor (about 14 µs per 4 KiB page fault) and a
 * third of a Faster R-CNN step (docs/benchmarks.md). Before the engine loads, TicketLab therefore
 * asks glibc ({@code mallopt}) to serve all blocks from its heaps and to keep freed memory
 * ({@code M_MMAP_MAX = 0}, {@code M_TRIM_THRESHOLD = 2 GiB}), and asks libtorch to back large
 * tensors with transparent huge pages ({@code THP_MEM_ALLOC_ENABLE=1}, read by PyTorch 2.x's CPU
 * allocator), which cuts the faults per tensor 512-fold where the kernel allows huge pages.
 *
 * <p>The price is that the process keeps its peak native memory until it exits, which suits
 * training and evaluation runs. Opt out with the system property {@code ticketlab.native.memory}
 * or the environment variable {@code TICKETLAB_NATIVE_MEMORY} set to {@code default}; glibc's own
 * {@code MALLOC_*} or {@code GLIBC_TUNABLES} settings in the environment are left alone, as is a
 * {@code THP_MEM_ALLOC_ENABLE} the user set.
 */
final class NativeMemory {
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_MMAP_MAX = -4;
  private static volatile String state;

  private NativeMemory() {}

  interface GlibcMalloc extends Library {
    int mallopt(int param, int value);
  }

  /** Applies the settings once; returns a line saying what is in force. */
  static synchronized String tune() {
    if (state != null) {
      return state;
    }
    String choice = System.getProperty("ticketlab.native.memory");
    if (choice == null || choice.isBlank()) {
      choice = System.getenv("TICKETLAB_NATIVE_MEMORY");
    }
    if (choice != null && choice.strip().equalsIgnoreCase("default")) {
      return state = "engine defaults (TICKETLAB_NATIVE_MEMORY=default)";
    }
    if (!Platform.isLinux()) {
      return state = "engine defaults (not Linux)";
    }
    StringBuilder s = new StringBuilder();
    if (userTunedMalloc()) {
      s.append("glibc malloc as set in the environment");
    } else {
      try {
        GlibcMalloc libc = Native.load("c", GlibcMalloc.class);
        boolean ok = libc.mallopt(M_MMAP_MAX, 0) == 1 & libc.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE) == 1;
        s.append(ok ? "glibc malloc keeps freed memory (M_MMAP_MAX=0, M_TRIM_THRESHOLD=2 GiB)" : "glibc mallopt refused");
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        s.append("glibc mallopt unavailable");
      }
    }
    String thp = NativeStderr.setNativeEnvIfAbsent("THP_MEM_ALLOC_ENABLE", "1");
    s.append("; THP_MEM_ALLOC_ENABLE=").append(thp == null ? "unset" : thp);
    return state = s.toString();
  }

  /** What {@link #tune} put in force, or "not set" before the engine started. */
  static String state() {
    return state == null ? "not set" : state;
  }

  private static boolean userTunedMalloc() {
    String tunables = System.getenv("GLIBC_TUNABLES");
    if (tunables != null && tunables.contains("malloc")) {
      return true;
    }
    for (String name : System.getenv().keySet()) {
      if (name.startsWith("MALLOC_") && name.endsWith("_")) {
        return true;
      }
    }
    return false;
  }
}

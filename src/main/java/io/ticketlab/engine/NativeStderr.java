package io.ticketlab.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Runs a piece of native start-up with the process's standard error pointed at {@code /dev/null},
 * so that libtorch's one-time warnings (for example "Could not initialize NNPACK! Reason:
 * Unsupported hardware", which is harmless: PyTorch falls back to other kernels) do not reach the
 * user's console. Only file descriptor 2 is redirected, only for the duration of the call, and
 * only on POSIX systems; elsewhere the action simply runs.
 */
public final class NativeStderr {
  private static final int STDERR = 2;
  private static final int O_WRONLY = 1;

  private NativeStderr() {}

  /** The C library functions we need (via JNA, which DJL already ships). */
  interface CLibrary extends Library {
    int dup(int fd);

    int dup2(int oldFd, int newFd);

    int open(String path, int flags);

    int close(int fd);

    int setenv(String name, String value, int overwrite);

    String getenv(String name);
  }

  /**
   * Sets a variable in the process environment that native libraries read with {@code getenv}
   * (Java's own {@code System.getenv} view is not changed). Keeps a value the user already set.
   * Returns the value in force afterwards, or null where this is not possible.
   */
  public static String setNativeEnvIfAbsent(String name, String value) {
    if (!(Platform.isLinux() || Platform.isMac())) {
      return System.getenv(name);
    }
    try {
      CLibrary libc = Native.load("c", CLibrary.class);
      libc.setenv(name, value, 0);
      return libc.getenv(name);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return System.getenv(name);
    }
  }

  public static void silenced(Runnable action) {
    CLibrary libc = null;
    if (Platform.isLinux() || Platform.isMac()) {
      try {
        libc = Native.load("c", CLibrary.class);
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        libc = null;
      }
    }
    if (libc == null) {
      action.run();
      return;
    }
    System.err.flush();
    int saved = libc.dup(STDERR);
    int devNull = saved < 0 ? -1 : libc.open("/dev/null", O_WRONLY);
    if (saved < 0 || devNull < 0) {
      if (saved >= 0) {
        libc.close(saved);
      }
      action.run();
      return;
    }
    libc.dup2(devNull, STDERR);
    libc.close(devNull);
    try {
      action.run();
    } finally {
      System.err.flush();
      libc.dup2(saved, STDERR);
      libc.close(saved);
    }
  }
}

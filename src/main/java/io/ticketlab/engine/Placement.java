package io.ticketlab.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Moving arrays between the managers (devices) of data-parallel model copies. */
public final class Placement {
  private Placement() {}

  /**
   * {@code array} owned by {@code manager} and on its device: the array itself when it is
   * already owned there, else an engine-owned copy (a clone on the same device: DJL's {@code
   * toDevice} with copy=true may share storage).
   */
  public static NDArray to(NDArray array, NDManager manager) {
    if (array.getManager() == manager) {
      return array;
    }
    NDArray copy = array.getDevice().equals(manager.getDevice())
        ? array.duplicate()
        : array.toDevice(manager.getDevice(), false);
    copy.attach(manager);
    return copy;
  }
}

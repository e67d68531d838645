package io.ticketlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.ticketlab.common.Parallel;
import io.ticketlab.model.nn.BatchNormLayer;
import io.ticketlab.model.nn.ModelParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Data parallelism over replicas: each iteration's parts are dealt in consecutive blocks to
 * the primary model and its replicas, which forward and backpropagate them at the same time
 * (one thread per replica); the replicas' gradients are then added into the primary model's
 * (in replica order, so the sum is deterministic), the optimizer updates the primary model
 * alone, and its new values are copied to the replicas. Batch norm normalises each part with
 * its own statistics, as on one device forwarding the parts one after the other; the replicas'
 * updates of the running statistics are replayed onto the primary's in part order, so they too
 * end as on one device (PyTorch's {@code DataParallel} keeps only the first device's).
 */
final class DataParallel<B> {
  private final Sgd sgd;
  private final Map<String, Parameter> primary;
  private final List<ReplicaState<B>> replicas = new ArrayList<>();
  private final TrainingLoop.Transfer<B> transfer;
  /** Names updated by training: trainable parameters and running statistics. */
  private final List<String> changing = new ArrayList<>();
  /**
   * Running means and variances of the batch norms that update them (not frozen), with {@link
   * BatchNormLayer#MOMENTUM}; frozen ones are left alone (exactly: no replay rounding).
   */
  private final List<String> runningStatistics = new ArrayList<>();
  private ExecutorService pool;

  record ReplicaState<B>(
      NDManager manager, Map<String, Parameter> parameters, TrainingLoop.LossFunction<B> lossFunction,
      ParameterStore store) {}

  DataParallel(
      Sgd sgd, Map<String, Parameter> primary, java.util.Set<String> updatedStatistics,
      List<TrainingLoop.Replica<B>> replicas, TrainingLoop.Transfer<B> transfer) {
    this.sgd = sgd;
    this.primary = Objects.requireNonNull(primary, "primary parameters");
    this.transfer = Objects.requireNonNull(transfer, "transfer");
    for (TrainingLoop.Replica<B> r : replicas) {
      for (Map.Entry<String, Parameter> e : primary.entrySet()) {
        Parameter copy = r.parameters().get(e.getKey());
        if (copy == null || !copy.getArray().getShape().equals(e.getValue().getArray().getShape())) {
          throw new IllegalArgumentException("replica on " + r.manager().getDevice() + " lacks parameter "
              + e.getKey() + " " + e.getValue().getArray().getShape());
        }
      }
      this.replicas.add(new ReplicaState<>(r.manager(), r.parameters(), r.lossFunction(),
          new ParameterStore(r.manager(), false)));
    }
    for (String name : updatedStatistics) {
      if (!primary.containsKey(name)) {
        throw new IllegalArgumentException("no running statistic " + name + " in the model");
      }
    }
    for (String name : primary.keySet()) {
      boolean running = updatedStatistics.contains(name);
      if (running) {
        runningStatistics.add(name);
      }
      if (running || sgd.parameters().containsKey(name)) {
        changing.add(name);
      }
    }
  }

  TrainingLoop.Transfer<B> transfer() {
    return transfer;
  }

  /** Starts the replica threads and copies every primary value to the replicas. */
  void start() {
    pool = Parallel.pool(replicas.size(), "ticketlab-replica");
    broadcast(true);
  }

  void stop() {
    pool.shutdownNow();
  }

  /** Runs each device's block of parts; returns their losses in device (= part) order. */
  List<TrainingLoop.PartLosses> forwardBackward(
      List<B> parts, java.util.function.BiFunction<List<B>, ReplicaState<B>, TrainingLoop.PartLosses> run) {
    int devices = replicas.size() + 1;
    if (parts.size() < devices) {
      throw new IllegalArgumentException(
          "an iteration of " + parts.size() + " part(s) cannot keep " + devices + " devices busy");
    }
    for (ReplicaState<B> r : replicas) {
      Sgd.zeroGradients(r.parameters().values());
    }
    // running statistics before the iteration (batch norm updates them in place while forwarding)
    Map<String, NDArray> before = new LinkedHashMap<>();
    for (String name : runningStatistics) {
      before.put(name, primary.get(name).getArray().duplicate());
    }
    List<Supplier<TrainingLoop.PartLosses>> others = new ArrayList<>();
    for (int d = 1; d < devices; d++) {
      List<B> share = parts.subList(d * parts.size() / devices, (d + 1) * parts.size() / devices);
      ReplicaState<B> replica = replicas.get(d - 1);
      others.add(() -> run.apply(share, replica));
    }
    // every replica has finished (also when one failed) before the gradients are touched
    List<TrainingLoop.PartLosses> out =
        Parallel.runAll(pool, () -> run.apply(parts.subList(0, parts.size() / devices), null), others);
    try (NDScope scope = new NDScope()) {
      for (ReplicaState<B> r : replicas) {
        for (Map.Entry<String, Parameter> e : sgd.parameters().entrySet()) {
          NDArray g = e.getValue().getArray().getGradient();
          g.addi(r.parameters().get(e.getKey()).getArray().getGradient().toDevice(g.getDevice(), false));
        }
      }
      // running statistics as if one device had forwarded all parts in order: each replica
      // moved r0 to (1-m)^k r0 + c after its k parts, so its contribution c is replayed onto the
      // primary's value, r ← (1-m)^k r + (r_replica − (1-m)^k r0), replica after replica
      for (String name : runningStatistics) {
        NDArray r = primary.get(name).getArray();
        NDArray r0 = before.get(name);
        for (int d = 1; d < devices; d++) {
          int k = (d + 1) * parts.size() / devices - d * parts.size() / devices;
          float decay = (float) Math.pow(1 - BatchNormLayer.MOMENTUM, k);
          NDArray rd = replicas.get(d - 1).parameters().get(name).getArray().toDevice(r.getDevice(), false);
          r.muli(decay).addi(rd.sub(r0.mul(decay)));
        }
      }
    }
    return out;
  }

  /** Copies the primary values (all of them, or those training changes) to every replica. */
  void broadcast(boolean all) {
    for (ReplicaState<B> r : replicas) {
      ModelParameters.copyValues(primary, r.parameters(), all ? primary.keySet() : changing);
    }
  }
}

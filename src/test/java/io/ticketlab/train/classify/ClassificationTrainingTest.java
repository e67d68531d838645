package io.ticketlab.train.classify;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.ticketlab.data.folder.ImageFolder;
import io.ticketlab.engine.Engines;
import io.ticketlab.model.backbone.ResNet;
import io.ticketlab.model.backbone.ResNetConfig;
import io.ticketlab.train.LrSchedule;
import io.ticketlab.train.Sgd;
import io.ticketlab.train.TrainingLoop;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("engine")
class ClassificationTrainingTest {
  @TempDir Path dir;

  @Test
  void tinyResNet_learnsShapesWellAboveChance() throws IOException {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 24, 1);
    ClassificationTrainingTestData.writeShapes(dir.resolve("val"), 10, 2);
    ImageFolder train = ImageFolder.scan(dir.resolve("train"));
    ImageFolder val = ImageFolder.scan(dir.resolve("val"));
    assertThat(train.classes()).containsExactly("disc", "square", "triangle");

    Engine engine = Engines.pytorch();
    engine.setRandomSeed(3);
    ResNet model = new ResNet(new ResNetConfig(18, 0.125, 3, false, 3));
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
      ClassificationData data = new ClassificationData(train, 12, 32, 7);
      Sgd sgd = ClassificationTrainer.optimizer(model, 0.9f, 1e-4f);
      long total = 60;
      List<TrainingLoop.Record> log =
          ClassificationTrainer.train(
              manager, model, data, sgd, LrSchedule.cosine(0.01, 5, total), 0, total,
              List.of(), null, new long[0], null, r -> {}, List.of());
      assertThat(log).hasSize((int) total);
      double early = log.subList(0, 10).stream().mapToDouble(TrainingLoop.Record::total).average().orElseThrow();
      double late = log.subList(50, 60).stream().mapToDouble(TrainingLoop.Record::total).average().orElseThrow();
      assertThat(late).isLessThan(early);

      ClassificationTrainer.Accuracy acc = ClassificationTrainer.evaluate(manager, model, val, 32, 16);
      assertThat(acc.images()).isEqualTo(30);
      assertThat(acc.top1()).as("top-1 on 3 classes (chance 0.33)").isGreaterThan(0.7);
      assertThat(acc.top5()).isEqualTo(1.0);
    }
  }

  @Test
  void sameIteration_givesTheSameBatch() throws IOException {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 5, 1);
    ImageFolder train = ImageFolder.scan(dir.resolve("train"));
    ClassificationData data = new ClassificationData(train, 4, 16, 11);
    try (NDManager manager = Engines.pytorch().newBaseManager(Device.cpu())) {
      ClassificationData.Batch a = data.batch(5, manager);
      data.batch(1, manager);
      ClassificationData.Batch b = data.batch(5, manager);
      assertThat(a.images().toFloatArray()).containsExactly(b.images().toFloatArray());
      assertThat(a.labels().toLongArray()).containsExactly(b.labels().toLongArray());
    }
  }

  /**
   * Data parallel for classifiers: two copies (both on the CPU; the logic is under test), each
   * batch split into one slice per copy, train like one device forwarding the two slices in turn,
   * batch-norm running statistics included.
   */
  @Test
  void dataParallel_slicesTheBatch_likeTwoForwardPassesOnOneDevice() throws IOException {
    ClassificationTrainingTestData.writeShapes(dir.resolve("train"), 8, 1);
    ImageFolder train = ImageFolder.scan(dir.resolve("train"));
    ClassificationData data = new ClassificationData(train, 8, 32, 5);
    Engine engine = Engines.pytorch();
    ResNetConfig config = new ResNetConfig(18, 0.125, 3, false, 3);
    Shape input = new Shape(1, 3, 32, 32);
    try (NDManager manager = engine.newBaseManager(Device.cpu())) {
      ResNet one = new ResNet(config);
      one.initialize(manager, DataType.FLOAT32, input);
      java.util.Map<String, io.ticketlab.common.FloatTensor> init = io.ticketlab.model.nn.Weights.read(one);
      ResNet primary = new ResNet(config);
      primary.initialize(manager, DataType.FLOAT32, input);
      io.ticketlab.model.nn.Weights.load(primary, init, "init", true);
      NDManager other = manager.newSubManager(Device.cpu());
      ResNet copy = new ResNet(config);
      copy.initialize(other, DataType.FLOAT32, input);

      LrSchedule schedule = LrSchedule.constant(0.05, 0);
      Sgd sgdOne = ClassificationTrainer.optimizer(one, 0.9f, 1e-4f);
      List<TrainingLoop.Record> a =
          TrainingLoop.<ClassificationData.Batch>builder()
              .setManager(manager)
              .setOptimizer(sgdOne)
              .setSchedule(schedule)
              .setLossFunction(ClassificationTrainer.replica(one, manager).lossFunction())
              .optMicroBatches(b -> b.split(2))
              .build()
              .run(data, 0, 4);
      Sgd sgdTwo = ClassificationTrainer.optimizer(primary, 0.9f, 1e-4f);
      List<TrainingLoop.Record> b =
          ClassificationTrainer.train(manager, primary, data, sgdTwo, schedule, 0, 4, List.of(), null, new long[0],
              null, r -> {}, List.of(ClassificationTrainer.replica(copy, other)));
      for (int i = 0; i < 4; i++) {
        assertThat(b.get(i).total()).as("loss %d", i).isCloseTo(a.get(i).total(), org.assertj.core.data.Offset.offset(1e-4));
      }
      java.util.Map<String, io.ticketlab.common.FloatTensor> wa = io.ticketlab.model.nn.Weights.read(one);
      java.util.Map<String, io.ticketlab.common.FloatTensor> wb = io.ticketlab.model.nn.Weights.read(primary);
      java.util.Map<String, io.ticketlab.common.FloatTensor> wc = io.ticketlab.model.nn.Weights.read(copy);
      for (String name : wa.keySet()) {
        float[] x = wa.get(name).data();
        float[] y = wb.get(name).data();
        for (int i = 0; i < x.length; i++) {
          assertThat(y[i]).as("%s[%d]", name, i).isCloseTo(x[i], org.assertj.core.data.Offset.offset(2e-4f));
        }
        assertThat(wc.get(name).data()).as("replica's " + name).containsExactly(y);
      }
      assertThat(wa.get("bn1.running_mean").data()).as("running statistics moved").isNotEqualTo(init.get("bn1.running_mean").data());
    }
  }
}

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
              engine, manager, model, data, sgd, LrSchedule.cosine(0.01, 5, total), 0, total,
              List.of(), null, new long[0], null, r -> {});
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
}

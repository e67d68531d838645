package io.ticketlab;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout of STYLE.md as ArchUnit rules over the compiled main classes: the pure-Java packages
 * never reach the native engine (they test in milliseconds and run anywhere), the flow goes one way
 * (configs → training and pruning → lottery experiments → CLI), and no two packages import each
 * other through any path.
 */
class ArchitectureTest {
  /** Packages that must not touch DJL, the engine, models with native blocks, training or experiments. */
  static final String[] PURE_JAVA = {
    "io.ticketlab.common..", "io.ticketlab.config..", "io.ticketlab.data..", "io.ticketlab.eval..",
    "io.ticketlab.analysis..", "io.ticketlab.storage..", "io.ticketlab.report..", "io.ticketlab.prune..",
    "io.ticketlab.model.io..", "io.ticketlab.model.boxes.."
  };

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.ticketlab");
  }

  @Test
  void theMainClassesAreThere() {
    // a rule over no classes passes vacuously: make sure the importer found the code base
    assertThat(classes.size()).isGreaterThan(300);
    assertThat(classes.contain("io.ticketlab.prune.Mask")).isTrue();
    assertThat(classes.contain("io.ticketlab.lottery.LotteryRunner")).isTrue();
  }

  @Test
  void pureJavaPackages_doNotReachTheEngine() {
    noClasses()
        .that().resideInAnyPackage(PURE_JAVA)
        .should().dependOnClassesThat()
        .resideInAnyPackage(
            "ai.djl..", "io.ticketlab.engine..", "io.ticketlab.train..", "io.ticketlab.lottery..",
            "io.ticketlab.cli..", "io.ticketlab.demo..", "io.ticketlab.model.nn..", "io.ticketlab.model.backbone..",
            "io.ticketlab.model.detector..", "io.ticketlab.model.fpn..", "io.ticketlab.model.roi..",
            "io.ticketlab.model.rpn..")
        .check(classes);
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.ticketlab.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theFlowGoesOneWay() {
    // training and pruning know nothing of experiments; only the CLI and the demo know the CLI
    noClasses()
        .that().resideInAnyPackage("io.ticketlab.train..", "io.ticketlab.prune..", "io.ticketlab.model..")
        .should().dependOnClassesThat().resideInAnyPackage("io.ticketlab.lottery..")
        .check(classes);
    noClasses()
        .that().resideOutsideOfPackages("io.ticketlab.cli..", "io.ticketlab.demo..")
        .should().dependOnClassesThat().resideInAnyPackage("io.ticketlab.cli..")
        .check(classes);
  }

  /** STYLE.md "One decoder, one resize": image files are decoded and resampled only in data.image. */
  @Test
  void imagesAreDecodedOnlyByTheOneDecoder() {
    DescribedPredicate<JavaMethodCall> decodes = DescribedPredicate.describe(
        "decode or resample an image (ImageIO.read, BufferedImage.getRGB, Graphics.drawImage)",
        call -> (call.getTargetOwner().isAssignableTo(javax.imageio.ImageIO.class) && call.getName().equals("read"))
            || (call.getTargetOwner().isAssignableTo(java.awt.image.BufferedImage.class) && call.getName().equals("getRGB"))
            || (call.getTargetOwner().isAssignableTo(java.awt.Graphics.class) && call.getName().equals("drawImage")));
    noClasses()
        .that().resideOutsideOfPackage("io.ticketlab.data.image..")
        .should().callMethodWhere(decodes)
        .orShould().dependOnClassesThat().areAssignableTo(javax.imageio.ImageReader.class)
        .check(classes);
  }
}

package io.ticketlab.bench;

import io.ticketlab.data.folder.ImageFolder;
import io.ticketlab.data.image.ClassificationTransforms;
import io.ticketlab.data.image.DecodedImage;
import io.ticketlab.data.image.ImageDecoder;
import io.ticketlab.train.classify.ClassificationData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Benchmark (not a test): TicketLab's classification input pipeline on a folder of JPEGs — decode
 * ({@link ImageDecoder}), RandomResizedCrop(224) + flip, ToTensor + Normalize, batching — on
 * {@code threads} background threads ({@link ClassificationData}), in images per second over
 * whole passes; and the decoder alone on one thread. {@code bench/image-pipeline.sh} runs it next
 * to torchvision's PIL DataLoader on the same files.
 *
 * <p>Usage: {@code ImagePipelineBenchmark DIR BATCH THREADS EPOCHS}
 */
public final class ImagePipelineBenchmark {
  private ImagePipelineBenchmark() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int batch = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    int epochs = Integer.parseInt(args[3]);
    ImageFolder folder = ImageFolder.scan(dir);
    ClassificationData data = new ClassificationData(folder, batch, 224, 1, threads, 2 * threads);
    long perEpoch = data.iterationsPerEpoch();
    for (long it = 0; it < perEpoch; it++) { // warm-up pass: JIT, page cache
      data.prefetchedBatch(it);
    }
    double[] rates = new double[epochs];
    long it = perEpoch;
    for (int e = 0; e < epochs; e++) {
      long t0 = System.nanoTime();
      for (long k = 0; k < perEpoch; k++) {
        data.prefetchedBatch(it++);
      }
      rates[e] = perEpoch * batch / ((System.nanoTime() - t0) / 1e9);
    }
    Arrays.sort(rates);
    System.out.printf(Locale.ROOT, "TicketLab pipeline, %d threads: median %.1f images/s, best %.1f%n",
        threads, rates[epochs / 2], rates[epochs - 1]);
    if (threads == 1) {
      double[] decode = new double[epochs];
      for (int e = 0; e < epochs; e++) {
        long t0 = System.nanoTime();
        long px = 0;
        for (ImageFolder.Sample s : folder.samples()) {
          DecodedImage img = ImageDecoder.decode(s.path());
          px += img.width();
        }
        decode[e] = folder.size() / ((System.nanoTime() - t0) / 1e9);
        if (px == 0) {
          throw new IllegalStateException();
        }
      }
      Arrays.sort(decode);
      System.out.printf(Locale.ROOT, "TicketLab decode only (ImageIO), 1 thread: median %.1f images/s, best %.1f%n",
          decode[epochs / 2], decode[epochs - 1]);
      DecodedImage[] decoded = new DecodedImage[folder.size()];
      for (int i = 0; i < decoded.length; i++) {
        decoded[i] = ImageDecoder.decode(folder.samples().get(i).path());
      }
      float[] tensor = new float[3 * 224 * 224];
      double[] transform = new double[epochs + 1];
      for (int e = 0; e <= epochs; e++) { // the first pass warms the JIT up
        long t0 = System.nanoTime();
        for (int i = 0; i < decoded.length; i++) {
          ClassificationTransforms.trainTensor(decoded[i], 224, ClassificationTransforms.IMAGENET_SCALE,
              new SplittableRandom(31L * e + i), tensor, 0);
        }
        transform[e] = decoded.length / ((System.nanoTime() - t0) / 1e9);
      }
      double[] timed = Arrays.copyOfRange(transform, 1, epochs + 1);
      Arrays.sort(timed);
      System.out.printf(Locale.ROOT, "TicketLab RandomResizedCrop + flip + ToTensor/Normalize only, "
          + "1 thread: median %.1f images/s, best %.1f%n", timed[epochs / 2], timed[epochs - 1]);
    }
  }
}

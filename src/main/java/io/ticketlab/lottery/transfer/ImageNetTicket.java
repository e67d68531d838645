package io.ticketlab.lottery.transfer;

import io.ticketlab.common.BadInputException;
import io.ticketlab.common.FloatTensor;
import io.ticketlab.model.io.BitMask;
import io.ticketlab.prune.Mask;
import io.ticketlab.prune.PrunableSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The paper's ImageNet ticket transfer (Sec. 4.2, Tables 1–2): a lottery ticket of a ResNet
 * classifier (a TicketLab classification level, or a ticket checkpoint from elsewhere such as
 * open_lth's) gives the detector's backbone its stem and block convs, downsample convs and batch
 * norms (weights, biases, running statistics); {@code fc} is dropped. The mask is the ticket's zero
 * pattern over the classifier's prunable convs ({@code classifier-convs}: stem and block convs;
 * downsample convs stay unmasked, as the authors' code does), held fixed while the whole detector is
 * fine-tuned; FPN, RPN and heads are dense and fresh.
 */
public final class ImageNetTicket {
  private ImageNetTicket() {}

  /**
   * @param ticket the classifier ticket's state dict (pruned weights are zeros)
   * @param targetShapes the detector's parameter shapes by name
   * @param source the file it came from, for errors
   */
  public static Transfer of(Map<String, FloatTensor> ticket, Map<String, int[]> targetShapes, Path source) {
    Map<String, String> sourceNames = new LinkedHashMap<>();
    Map<String, FloatTensor> mapped = BackboneMapping.map(ticket, targetShapes, source, sourceNames);
    PrunableSet convs = PrunableSet.preset("classifier-convs");
    Map<String, BitMask> mask = new LinkedHashMap<>();
    long zeros = 0;
    for (Map.Entry<String, FloatTensor> e : mapped.entrySet()) {
      if (convs.contains(sourceNames.get(e.getKey()), e.getValue().shape())) {
        BitMask keep = BitMask.ofNonZero(e.getValue());
        mask.put(e.getKey(), keep);
        zeros += e.getValue().size() - keep.countOnes();
      }
    }
    if (zeros == 0) {
      throw BadInputException.of(source, null, null, null,
          "has no zero in its prunable convs: a dense checkpoint, not a ticket (kind mask transfers pretrained weights)");
    }
    // -0.0 → +0.0: pruned weights are +0.0 (a ticket saved as w × mask holds -0.0 where w < 0)
    Map<String, FloatTensor> values = Mask.of(mask).applyTo(mapped);
    return new Transfer(values, Mask.of(mask), new ArrayList<>(values.keySet()),
        BackboneMapping.fresh(targetShapes, values));
  }
}

package io.ticketlab.storage;

/**
 * A tensor payload that does not decode: thrown by the formats and turned into a {@link
 * io.ticketlab.common.BadInputException} naming the file and the tensor by {@link SparseCheckpoint}.
 */
final class PayloadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PayloadException(String message) {
    super(message);
  }
}

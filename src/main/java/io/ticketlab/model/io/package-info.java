/**
 * Checkpoint input and output in pure Java: PyTorch {@code torch.save} files (zip and legacy
 * formats, read through a restricted unpickler that never executes code), safetensors, NumPy
 * {@code .npz}, and TicketLab's own versioned, checksummed checkpoint of weights, masks and
 * optimizer state. Everything reads into named tensors ({@link io.ticketlab.model.io.StateDict}
 * of {@link io.ticketlab.model.io.StoredTensor}); conversion to engine arrays happens elsewhere,
 * so this package imports nothing from the engine.
 *
 * <p>Entry points: {@link io.ticketlab.model.io.Checkpoints#readStateDict} (any supported format,
 * chosen by content), {@link io.ticketlab.model.io.PthReader},
 * {@link io.ticketlab.model.io.Safetensors}, {@link io.ticketlab.model.io.NpzReader},
 * {@link io.ticketlab.model.io.TicketCheckpoint} and
 * {@link io.ticketlab.model.io.StateDictComparison}.
 */
package io.ticketlab.model.io;

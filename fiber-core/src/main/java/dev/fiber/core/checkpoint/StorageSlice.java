package dev.fiber.core.checkpoint;

/**
 * What a pickle's persistent id resolves to: a storage, or (in old legacy files) a view of part of
 * one. Tensors built from it add {@code offset} to their own storage offset.
 *
 * @param storage the underlying storage
 * @param offset first element of the slice
 * @param numel elements in the slice
 */
record StorageSlice(Storage storage, long offset, long numel) {
}

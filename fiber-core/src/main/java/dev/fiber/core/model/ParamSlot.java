package dev.fiber.core.model;

import ai.djl.nn.Parameter;
import ai.djl.ndarray.types.Shape;

/**
 * One learnable tensor of the model as the official state dict has it: the DJL {@link Parameter}
 * that holds it, the shape the architecture expects and how to initialise it from scratch.
 *
 * @param parameter the DJL parameter (its array is set by loading or initialisation)
 * @param shape expected shape (as in the official state dict)
 * @param init initialiser used when no checkpoint provides the value
 */
public record ParamSlot(Parameter parameter, Shape shape, ParamInit init) {}

/**
 * The deterministic core's frame: {@link dev.holdfast.controller.core.Event}s in,
 * {@link dev.holdfast.controller.core.Command}s out. The core reads no clock (the event carries its time), draws
 * ids from counters and randomness from a seeded generator, and iterates only ordered collections, so that a log of
 * its events ({@link dev.holdfast.controller.core.EventLog}) replays into byte-identical commands
 * ({@link dev.holdfast.controller.core.Replayer}).
 */
package dev.holdfast.controller.core;

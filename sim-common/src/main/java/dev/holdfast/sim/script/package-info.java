/**
 * Scripted user actions, shared by the simulators: the file format and its parser ({@link dev.holdfast.sim.script.Scripts}),
 * the interface each simulator implements ({@link dev.holdfast.sim.script.ScriptTarget}) and the runner
 * ({@link dev.holdfast.sim.script.ScriptRunner}), in real or virtual time ({@link dev.holdfast.sim.script.ScriptClock}).
 */
package dev.holdfast.sim.script;

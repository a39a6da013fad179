/**
 * The call controller. {@link dev.holdfast.controller.ControllerCore} is the deterministic core (events in, commands
 * out); {@link dev.holdfast.controller.Controller} runs it with the H.248 edge; {@link dev.holdfast.controller.ControllerMain}
 * is the command line ({@code bin/controller}).
 *
 * <ul>
 *   <li>{@code core}: events, commands, the services the core's parts act through, the event log, replay and a
 *       virtual-time driver.</li>
 *   <li>{@code provisioning}: the provisioning file (JSON/YAML) and its validation.</li>
 *   <li>{@code gateway}: gateways and lines as the controller knows them; association (ServiceChange, audit,
 *       heartbeats, loss).</li>
 *   <li>{@code call}: call processing and the call structure.</li>
 *   <li>{@code dialplan}: routing of dialled digits and the digit map.</li>
 *   <li>{@code mgc}: the H.248 edge: the core's thread and clock, H248Endpoint adapters.</li>
 * </ul>
 */
package dev.holdfast.controller;

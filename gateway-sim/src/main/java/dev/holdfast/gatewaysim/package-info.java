/**
 * The media-gateway simulator: a real H.248 MG ({@link dev.holdfast.gatewaysim.SimulatedGateway}) whose logic
 * ({@link dev.holdfast.gatewaysim.core.MediaGatewayCore}) is free of I/O and real time; digit maps
 * ({@link dev.holdfast.gatewaysim.digitmap}); the control transport ({@link dev.holdfast.gatewaysim.control});
 * scripts ({@link dev.holdfast.gatewaysim.GatewayScriptTarget}); the command line
 * ({@link dev.holdfast.gatewaysim.GatewaySimMain}). Many gateways share one {@link dev.holdfast.gatewaysim.GatewayRuntime}.
 */
package dev.holdfast.gatewaysim;

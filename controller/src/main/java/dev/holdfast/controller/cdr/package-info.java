/**
 * Call detail records: one {@link dev.holdfast.controller.cdr.CallRecord} per call attempt that ends, made by the
 * deterministic core ({@link dev.holdfast.controller.cdr.CdrRecorder}) with core time only, so a replay of the event
 * log gives the same records; kept at the edge in a bounded store of recent records
 * ({@link dev.holdfast.controller.cdr.CdrStore}) for the admin API, and written to the cluster when there is one.
 */
package dev.holdfast.controller.cdr;

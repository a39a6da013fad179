/**
 * The SIP side: registrar with digest authentication, location service and back-to-back user agent in the
 * deterministic core ({@link dev.holdfast.controller.sip.SipCore} and what it uses; no JAIN-SIP there), and the SIP
 * edge ({@link dev.holdfast.controller.sip.SipEdge}) that runs JAIN-SIP, turns requests, responses and transaction
 * outcomes into core events and carries out the core's SIP commands. The edge also guards the core: floods,
 * oversized and malformed messages are answered or dropped there, counted and logged.
 */
package dev.holdfast.controller.sip;

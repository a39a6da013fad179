/**
 * The H.248.1 transaction layer (section 8, Annex D.1), usable as MG and as MGC.
 *
 * <p>{@link dev.holdfast.h248.transaction.TransactionManager} correlates replies with requests per peer by
 * TransactionID, retransmits over UDP with exponential back-off, detects duplicate requests and answers them from
 * a reply cache (or with Pending while still executing), sends Pending for slow local handlers, honours received
 * Pendings (LONG-TIMER), and sends / honours TransactionResponseAck. It runs on one thread given by a
 * {@link dev.holdfast.h248.transaction.Scheduler}, which is its only source of time, so it runs unchanged on a Netty
 * event loop and in virtual time ({@link dev.holdfast.h248.transaction.VirtualScheduler}).
 *
 * <p>It knows nothing of sockets or encodings: it hands whole {@link dev.holdfast.h248.message.Message}s to a
 * {@link dev.holdfast.h248.transaction.MessageSender} and is given received ones.
 */
package dev.holdfast.h248.transaction;

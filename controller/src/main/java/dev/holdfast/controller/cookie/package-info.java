/**
 * Call cookies (docs/migration.md, "The call cookie"): the signed, versioned record of a call that the controller
 * leaves on every gateway termination and phone dialog of the call, so that an alternate controller can rebuild the
 * call after the primary died.
 *
 * <ul>
 *   <li>{@link dev.holdfast.controller.cookie.CallCookie} (with {@link dev.holdfast.controller.cookie.CookieParty}
 *       and {@link dev.holdfast.controller.cookie.CookiePart}): what a cookie says, validated on construction.</li>
 *   <li>{@link dev.holdfast.controller.cookie.CookieCodec}: the wire format (format version 1) and its verification,
 *       which never throws and names why a cookie was refused
 *       ({@link dev.holdfast.controller.cookie.CookieVerdict}).</li>
 *   <li>{@link dev.holdfast.controller.cookie.CookieKey}, {@link dev.holdfast.controller.cookie.CookieKeyRing}: the
 *       HMAC keys the controllers share, and their rotation.</li>
 *   <li>{@link dev.holdfast.controller.cookie.CookieCounters}: verdicts and sizes, for the controller's counters.</li>
 * </ul>
 */
package dev.holdfast.controller.cookie;

package dev.holdfast.controller.sip;

/**
 * Signs and verifies the call cookies the SIP side puts in its Contact ({@code hfck} URI parameter): cookie text is
 * opaque to phones and to the rest of the SIP side. The controller's cookie codec implements it; {@link #OFF} is a
 * controller without cookies (no {@code hfck}, nothing adopted).
 */
public interface PhoneDialogCookies {
    /** The cookie text for {@code cookie} (base64url, safe as a URI parameter), or null when cookies are off. */
    String stamp(DialogCookie cookie);

    /** Verifies and decodes cookie text. */
    Verdict verify(String text);

    sealed interface Verdict {}

    record Accepted(DialogCookie cookie) implements Verdict {}

    /** {@code reason}: a short counter name (malformed, unsigned, forged, unknown-key, retired-key, version). */
    record Rejected(String reason, String detail) implements Verdict {}

    PhoneDialogCookies OFF = new PhoneDialogCookies() {
        @Override public String stamp(DialogCookie cookie) { return null; }

        @Override public Verdict verify(String text) { return new Rejected("off", "this controller has no cookie key"); }
    };
}

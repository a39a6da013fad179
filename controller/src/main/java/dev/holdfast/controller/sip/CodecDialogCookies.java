package dev.holdfast.controller.sip;

import dev.holdfast.controller.cookie.CallCookie;
import dev.holdfast.controller.cookie.CookieCodec;
import dev.holdfast.controller.cookie.CookieKeyRing;
import dev.holdfast.controller.cookie.CookiePart;
import dev.holdfast.controller.cookie.CookieParty;
import dev.holdfast.controller.cookie.CookieVerdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Phone dialog cookies through the controller's cookie codec (format version 1, key ring with rotation): the SIP
 * side's {@link DialogCookie} is a {@code CallCookie} whose part is {@code PHONE_DIALOG}. A verified cookie with any
 * other part is refused ({@code wrong-part}): it was lifted from a gateway termination.
 */
public final class CodecDialogCookies implements PhoneDialogCookies {
    private final CookieKeyRing ring;
    private final LongSupplier clock;

    /** @param clock epoch milliseconds for the keys' acceptUntil (the core's event time, for replay) */
    public CodecDialogCookies(CookieKeyRing ring, LongSupplier clock) {
        this.ring = ring;
        this.clock = clock;
    }

    @Override public String stamp(DialogCookie d) {
        List<CookieParty> parties = new ArrayList<>();
        for (DialogCookie.Party p : d.parties()) {
            CookieParty.Kind kind = CookieParty.Kind.valueOf(p.kind());
            parties.add(new CookieParty(kind, p.gateway(), p.id(), p.role(), null, p.callId()));
        }
        CallCookie c = new CallCookie(d.callKey(), d.generation(), d.stateSince(), d.state(), d.feature(), null, parties,
                new CookiePart.PhoneDialog(d.partyIndex(), d.gateway(), d.context(), d.termination()));
        return CookieCodec.encode(c, ring.current());
    }

    @Override public Verdict verify(String text) {
        CookieVerdict v = CookieCodec.verify(text, ring, clock.getAsLong());
        if (v instanceof CookieVerdict.Rejected r) {
            return new Rejected(r.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'), r.detail());
        }
        CallCookie c = ((CookieVerdict.Accepted) v).cookie();
        if (!(c.part() instanceof CookiePart.PhoneDialog part)) {
            return new Rejected("wrong-part", "a " + c.part().getClass().getSimpleName() + " cookie on a phone dialog");
        }
        List<DialogCookie.Party> parties = new ArrayList<>();
        for (CookieParty p : c.parties()) {
            parties.add(new DialogCookie.Party(p.kind().name(), p.gateway(), p.termination(), p.role(),
                    p.kind() == CookieParty.Kind.PHONE ? p.extra() : null));
        }
        return new Accepted(new DialogCookie(c.callKey(), c.generation(), c.stateSince(), c.state(), c.feature(), parties,
                part.party(), part.gateway(), part.context(), part.termination()));
    }
}

package dev.holdfast.controller.cookie;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.ArrayList;
import java.util.List;

/** Random call cookies for the property tests: every part kind, every nullable both ways, any Unicode text. */
final class CookieArbitraries {
    private CookieArbitraries() {}

    /** Names as they come (gw17, line/12) and any Unicode scalar values, including astral ones. */
    static Arbitrary<String> names() {
        Arbitrary<String> plain = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars("/._-")
                .ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> unicode = Arbitraries.integers().between(1, 0x10FFFF)
                .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)
                .list().ofMinSize(1).ofMaxSize(40)
                .map(cps -> {
                    StringBuilder sb = new StringBuilder();
                    for (int cp : cps) sb.appendCodePoint(cp);
                    return sb.toString();
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, plain), net.jqwik.api.Tuple.of(2, unicode));
    }

    static Arbitrary<Role> roles() { return Arbitraries.of(Role.class); }

    /** Short names, so that a cookie of many parties still fits {@link CookieCodec#MAX_TEXT_CHARS}. */
    static Arbitrary<String> shortNames() {
        return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofMinLength(1).ofMaxLength(6);
    }

    static Arbitrary<CookieParty> parties(Arbitrary<String> names) {
        return Arbitraries.of(CookieParty.Kind.class).flatMap(kind -> Combinators.combine(
                kind == CookieParty.Kind.PHONE ? Arbitraries.just((String) null) : names,
                names, roles(), roles().injectNull(0.5), names.injectNull(0.5))
                .as((gw, term, role, before, extra) -> new CookieParty(kind, gw, term, role, before, extra)));
    }

    static Arbitrary<Long> contexts() {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 0xFFFFFFFFL)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(0L, 1L, 127L, 128L, 0xFFFFFFFEL, 0xFFFFFFFFL)));
    }

    /** A part that fits these parties (PARTY on a line or trunk, PHONE_* on a phone, IGC_END on anything). */
    static Arbitrary<CookiePart> parts(List<CookieParty> parties) {
        List<Integer> gatewayParties = new ArrayList<>();
        List<Integer> phones = new ArrayList<>();
        for (int i = 0; i < parties.size(); i++) {
            (parties.get(i).kind() == CookieParty.Kind.PHONE ? phones : gatewayParties).add(i);
        }
        List<Arbitrary<CookiePart>> choices = new ArrayList<>();
        choices.add(Combinators.combine(names(), contexts().injectNull(0.3), names().injectNull(0.3),
                        Arbitraries.integers().between(-1, parties.size() - 1))
                .as(CookiePart.IgcEnd::new));
        if (!gatewayParties.isEmpty()) {
            choices.add(Arbitraries.of(gatewayParties).map(CookiePart.Party::new));
        }
        if (!phones.isEmpty()) {
            choices.add(Arbitraries.of(phones).map(CookiePart.PhoneRtp::new));
            choices.add(Combinators.combine(Arbitraries.of(phones), names().injectNull(0.3), contexts(), names())
                    .as((p, gw, ctx, term) -> gw == null ? new CookiePart.PhoneDialog(p, null, null, null)
                            : new CookiePart.PhoneDialog(p, gw, ctx, term)));
            choices.add(Combinators.combine(Arbitraries.of(phones), names(), contexts().injectNull(0.5),
                            names().injectNull(0.5))
                    .as(CookiePart.PhoneDialog::new));
        }
        return Arbitraries.oneOf(choices);
    }

    static Arbitrary<CallCookie> cookies() {
        Arbitrary<List<CookieParty>> partyLists = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(9, parties(names()).list().ofMinSize(1).ofMaxSize(4)),
                net.jqwik.api.Tuple.of(1, parties(shortNames()).list().ofMinSize(5).ofMaxSize(CallCookie.MAX_PARTIES)));
        Arbitrary<CallState> states = Arbitraries.of(CallState.SETUP, CallState.RINGING, CallState.CONNECTED);
        Arbitrary<Long> keys = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(0, 1000),
                Arbitraries.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE));
        Arbitrary<Integer> generations = Arbitraries.oneOf(Arbitraries.integers().between(1, 200),
                Arbitraries.integers().between(1, Integer.MAX_VALUE));
        Arbitrary<Long> times = Arbitraries.oneOf(Arbitraries.longs().between(1_700_000_000_000L, 1_900_000_000_000L),
                Arbitraries.longs().between(0, Long.MAX_VALUE));
        return partyLists.flatMap(parties -> Combinators.combine(keys, generations, times, states,
                        Arbitraries.of(Call.Feature.class), states.injectNull(0.5), parts(parties))
                .as((key, gen, since, state, feature, consult, part) ->
                        new CallCookie(key, gen, since, state, feature, consult, parties, part)));
    }
}

package dev.holdfast.controller.cookie;

import dev.holdfast.controller.call.Call;
import dev.holdfast.controller.call.CallState;
import dev.holdfast.controller.call.CallStructure.Role;

/**
 * The octet codes of format version 1 for the enums a cookie carries. Written out here, never taken from
 * {@code Enum.ordinal()}: reordering or extending an enum must not change what stored cookies mean. A new
 * constant makes the exhaustive switches below fail to compile until it is given a new code. Code 0 is never a
 * value: where a field is optional it means "none", elsewhere it is malformed. Decoders return null for an
 * unknown code.
 */
final class WireCodes {
    private WireCodes() {}

    static int state(CallState s) {
        return switch (s) {
            case SETUP -> 1;
            case RINGING -> 2;
            case CONNECTED -> 3;
            case RELEASED -> throw new IllegalArgumentException("a released call has no cookie");
        };
    }

    static CallState state(int code) {
        return switch (code) {
            case 1 -> CallState.SETUP;
            case 2 -> CallState.RINGING;
            case 3 -> CallState.CONNECTED;
            default -> null;
        };
    }

    static int feature(Call.Feature f) {
        return switch (f) {
            case NONE -> 1;
            case HOLD -> 2;
            case CONSULT -> 3;
            case CONSULT_RECALL -> 4;
            case TRANSFER_RINGING -> 5;
            case CONFERENCE -> 6;
            case CONFERENCE_RECALL -> 7;
            case FOCUS -> 8;
        };
    }

    static Call.Feature feature(int code) {
        return switch (code) {
            case 1 -> Call.Feature.NONE;
            case 2 -> Call.Feature.HOLD;
            case 3 -> Call.Feature.CONSULT;
            case 4 -> Call.Feature.CONSULT_RECALL;
            case 5 -> Call.Feature.TRANSFER_RINGING;
            case 6 -> Call.Feature.CONFERENCE;
            case 7 -> Call.Feature.CONFERENCE_RECALL;
            case 8 -> Call.Feature.FOCUS;
            default -> null;
        };
    }

    /** 1..7, fits a nibble (a party's role and role before hold share one octet). */
    static int role(Role r) {
        return switch (r) {
            case CALLER -> 1;
            case CALLEE -> 2;
            case HOST -> 3;
            case HELD -> 4;
            case CONSULTED -> 5;
            case CONFEREE -> 6;
            case PARTY -> 7;
        };
    }

    static Role role(int code) {
        return switch (code) {
            case 1 -> Role.CALLER;
            case 2 -> Role.CALLEE;
            case 3 -> Role.HOST;
            case 4 -> Role.HELD;
            case 5 -> Role.CONSULTED;
            case 6 -> Role.CONFEREE;
            case 7 -> Role.PARTY;
            default -> null;
        };
    }

    /** 1..3, fits two bits. */
    static int kind(CookieParty.Kind k) {
        return switch (k) {
            case LINE -> 1;
            case TRUNK -> 2;
            case PHONE -> 3;
        };
    }

    static CookieParty.Kind kind(int code) {
        return switch (code) {
            case 1 -> CookieParty.Kind.LINE;
            case 2 -> CookieParty.Kind.TRUNK;
            case 3 -> CookieParty.Kind.PHONE;
            default -> null;
        };
    }

    /** The part kinds (low nibble of the part octet). */
    static final int PART_PARTY = 1;
    static final int PART_IGC_END = 2;
    static final int PART_PHONE_RTP = 3;
    static final int PART_PHONE_DIALOG = 4;
}

package dev.holdfast.gatewaysim.core;

/**
 * The H.248.8 error codes the gateway answers with (RFC 3525 section 7.3 points there). Kept here rather than in
 * the message model, which names only a few.
 */
public final class ErrorCodes {
    private ErrorCodes() {}

    public static final int UNAUTHORIZED = 402;
    public static final int INCORRECT_IDENTIFIER = 410;
    public static final int UNKNOWN_CONTEXT = 411;
    public static final int ILLEGAL_ACTION = 421;
    public static final int UNKNOWN_TERMINATION = 430;
    public static final int NO_WILDCARD_MATCH = 431;
    public static final int OUT_OF_TERMINATION_IDS = 432;
    public static final int ALREADY_IN_CONTEXT = 433;
    public static final int MAX_TERMINATIONS_IN_CONTEXT = 434;
    public static final int NOT_IN_SPECIFIED_CONTEXT = 435;
    public static final int UNKNOWN_PACKAGE = 440;
    public static final int UNKNOWN_COMMAND = 443;
    public static final int UNKNOWN_DESCRIPTOR = 444;
    public static final int UNSUPPORTED_PARAMETER = 446;
    public static final int DESCRIPTOR_NOT_LEGAL = 447;
    public static final int UNSUPPORTED_VALUE = 449;
    public static final int NO_SUCH_PROPERTY = 450;
    public static final int NO_SUCH_EVENT = 451;
    public static final int NO_SUCH_SIGNAL = 452;
    public static final int MISSING_PARAMETER = 457;
    public static final int INTERNAL_FAILURE = 500;
    public static final int NOT_IMPLEMENTED = 501;
    public static final int UNAUTHORIZED_ENTITY = 504;
    public static final int INSUFFICIENT_RESOURCES = 510;
    public static final int UNEQUIPPED_TO_DETECT = 512;
    public static final int UNEQUIPPED_TO_GENERATE = 513;
    public static final int UNSUPPORTED_MEDIA_TYPE = 515;
    public static final int DIGIT_MAP_UNDEFINED = 520;
    public static final int UNEXPECTED_HOOK_STATE = 540;
    public static final int COMMAND_NOT_ALLOWED = 542;
}

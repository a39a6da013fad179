package dev.holdfast.h248.message;

/**
 * {@code Error = code { [quotedString] }}. {@code text} is the quoted string's content without the quotes, or
 * null when absent. Codes are those of H.248.8 (RFC 3525 section 7.3 points there): one list for the whole
 * project.
 */
public record ErrorDescriptor(int code, String text) implements Descriptor {
    public static final int BAD_REQUEST = 400;            // syntax error in message
    public static final int PROTOCOL_ERROR = 401;
    public static final int UNAUTHORIZED = 402;
    public static final int SYNTAX_ERROR_IN_TRANSACTION = 403;
    public static final int VERSION_NOT_SUPPORTED = 406;
    public static final int INCORRECT_IDENTIFIER = 410;
    public static final int UNKNOWN_CONTEXT_ID = 411;
    public static final int NO_CONTEXT_IDS_AVAILABLE = 412;
    public static final int NUMBER_OF_TRANSACTIONS_EXCEEDS_MAXIMUM = 413;
    public static final int UNKNOWN_TERMINATION_ID = 430;
    public static final int NO_TERMINATION_ID_MATCHED_WILDCARD = 431;
    public static final int OUT_OF_TERMINATION_IDS = 432;
    public static final int TERMINATION_ID_ALREADY_IN_CONTEXT = 433;
    public static final int MAX_TERMINATIONS_IN_CONTEXT_EXCEEDED = 434;
    public static final int SEGMENTS_NOT_RECEIVED = 459;   // v3: segments of a reply missing at the segmentation timer
    public static final int INTERNAL_GATEWAY_ERROR = 500;
    public static final int NOT_IMPLEMENTED = 501;
    public static final int NOT_READY = 502;
    public static final int SERVICE_UNAVAILABLE = 503;
    public static final int INSUFFICIENT_RESOURCES = 510;
    public static final int NOT_IN_SPECIFIED_CONTEXT = 435;
    public static final int ILLEGAL_ACTION = 421;
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
    public static final int UNAUTHORIZED_ENTITY = 504;
    public static final int UNEQUIPPED_TO_DETECT = 512;
    public static final int UNEQUIPPED_TO_GENERATE = 513;
    public static final int UNSUPPORTED_MEDIA_TYPE = 515;
    public static final int DIGIT_MAP_UNDEFINED = 520;
    public static final int UNEXPECTED_HOOK_STATE = 540;
    public static final int COMMAND_NOT_ALLOWED = 542;

    public ErrorDescriptor {
        if (code < 0 || code > 9999) {
            throw new IllegalArgumentException("error code " + code
                    + " is out of range: ErrorCode = 1*4(DIGIT), 0..9999");
        }
        if (text != null && text.indexOf('"') >= 0) throw new IllegalArgumentException("quote in error text");
    }

    public static ErrorDescriptor of(int code, String text) { return new ErrorDescriptor(code, text); }
}

package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code sigParameter = sigStream / sigSignalType / sigDuration / sigOther / notifyCompletion / KeepActive /
 * direction / sigRequestID / sigIntsigDelay}.
 */
public sealed interface SignalParameter permits SignalParameter.Type, SignalParameter.Duration,
        SignalParameter.NotifyCompletion, SignalParameter.Direction, SignalParameter.SignalRequestId,
        SignalParameter.IntersignalDelay, KeepActive, StreamRef, PropertyParm {

    enum SignalType { ON_OFF, TIME_OUT, BRIEF }

    enum NotificationReason { TIME_OUT, INTERRUPTED_BY_EVENT, INTERRUPTED_BY_NEW_SIGNALS_DESCRIPTOR, OTHER_REASON, ITERATION }

    enum DirectionKind { EXTERNAL, INTERNAL, BOTH }

    /** {@code SignalType = OnOff / TimeOut / Brief}. */
    record Type(SignalType type) implements SignalParameter {}

    /** {@code Duration = UINT16} (tens of milliseconds... as the package says). */
    record Duration(int value) implements SignalParameter {
        public Duration { Checks.uint16(value, "signal duration"); }
    }

    /** {@code NotifyCompletion = { reason *(, reason) }}. */
    record NotifyCompletion(List<NotificationReason> reasons) implements SignalParameter {
        public NotifyCompletion { reasons = Checks.nonEmpty(reasons, "NotifyCompletion"); }
    }

    /** v2 {@code SPADirection = External / Internal / Both}. */
    record Direction(DirectionKind direction) implements SignalParameter {}

    /** v2 {@code RequestID = id}. */
    record SignalRequestId(RequestId requestId) implements SignalParameter {}

    /** v3 {@code IntSigDelay = UINT16}. */
    record IntersignalDelay(int value) implements SignalParameter {
        public IntersignalDelay { Checks.uint16(value, "intersignal delay"); }
    }
}

package dev.holdfast.h248.transport;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.AuditDescriptor;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.ObservedEventsDescriptor;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TimeStamp;

import java.util.List;

/** The H.248 commands and replies the transport and interop tests exchange (the OTP peer's scenario). */
public final class Messages {
    private Messages() {}

    public static final TerminationId A4444 = TerminationId.of("A4444");

    public static List<ActionRequest> serviceChangeRestart() {
        return List.of(ActionRequest.of(ContextId.NULL, new Command.ServiceChange(List.of(TerminationId.ROOT),
                List.of(ServiceChangeParm.Method.of(ServiceChangeParm.MethodKind.RESTART),
                        new ServiceChangeParm.Reason("901")))));
    }

    public static List<ActionReply> serviceChangeReply() {
        return List.of(ActionReply.of(ContextId.NULL,
                new CommandReply.ServiceChange(List.of(TerminationId.ROOT), null, List.of())));
    }

    static MediaDescriptor sendReceiveStream() {
        return MediaDescriptor.of(new StreamDescriptor(1, List.of(new LocalControlDescriptor(
                List.of(new LocalControlDescriptor.StreamMode(LocalControlDescriptor.Mode.SENDRECV))))));
    }

    /** {@code Modify = A4444 { Media { Stream = 1 { LocalControl { Mode = SendReceive } } }, Events = 2222 { al/of } }}. */
    public static List<ActionRequest> modifyWithEvents() {
        return List.of(ActionRequest.of(ContextId.NULL, new Command.Amm(Command.AmmVerb.MODIFY, List.of(A4444),
                List.of(sendReceiveStream(), EventsDescriptor.of(2222, RequestedEvent.of("al/of"))))));
    }

    public static List<ActionReply> modifyReply() {
        return List.of(ActionReply.of(ContextId.NULL,
                new CommandReply.Amms(CommandReply.AmmsVerb.MODIFY, List.of(A4444), List.of())));
    }

    public static List<ActionRequest> notifyOnOff() {
        return List.of(ActionRequest.of(ContextId.NULL, new Command.Notify(List.of(A4444),
                new ObservedEventsDescriptor(RequestId.of(2222), List.of(new ObservedEventsDescriptor.ObservedEvent(
                        new TimeStamp("20260101", "10000000"), "al/of", List.of()))), null)));
    }

    public static List<ActionReply> notifyReply() {
        return List.of(ActionReply.of(ContextId.NULL, new CommandReply.Notify(List.of(A4444), null)));
    }

    /** {@code AuditValue = A4444 { Audit { Media } }}. */
    public static List<ActionRequest> auditMedia() {
        return List.of(ActionRequest.of(ContextId.NULL, new Command.Audit(false, List.of(A4444),
                AuditDescriptor.of(AuditDescriptor.Item.MEDIA))));
    }

    public static List<ActionReply> auditMediaReply() {
        MediaDescriptor media = new MediaDescriptor(List.of(
                new TerminationStateDescriptor(List.of(new TerminationStateDescriptor.ServiceStates(
                        TerminationStateDescriptor.ServiceState.IN_SERVICE))),
                new StreamDescriptor(1, List.of(new LocalControlDescriptor(List.of(
                        new LocalControlDescriptor.StreamMode(LocalControlDescriptor.Mode.SENDRECV)))))));
        return List.of(ActionReply.of(ContextId.NULL,
                new CommandReply.Audit(false, false, List.of(A4444), List.of(media), null)));
    }
}

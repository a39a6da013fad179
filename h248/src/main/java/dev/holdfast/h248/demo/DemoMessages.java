package dev.holdfast.h248.demo;

import dev.holdfast.h248.message.ActionReply;
import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.CommandReply;
import dev.holdfast.h248.message.CommandRequest;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.EventParameter;
import dev.holdfast.h248.message.EventsDescriptor;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.RequestId;
import dev.holdfast.h248.message.RequestedEvent;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.TerminationId;

import java.util.ArrayList;
import java.util.List;

/** Small builders for the demo's call flow; the controller core (issue 3) grows its own, richer ones. */
final class DemoMessages {
    private DemoMessages() {}

    static final String DIAL_PLAN = "dialplan0";
    static final String DIGIT_MAP = "(1xxx|0xxxxxxxx|Exx)";

    static Descriptor events(long requestId, String... names) {
        List<RequestedEvent> events = new ArrayList<>();
        for (String n : names) {
            events.add(n.equals("dd/ce")
                    ? RequestedEvent.of(n, new EventParameter.EventDigitMap(DIAL_PLAN, null))
                    : RequestedEvent.of(n));
        }
        return new EventsDescriptor(RequestId.of(requestId), events);
    }

    static Descriptor signals(String... names) {
        List<SignalParm> s = new ArrayList<>();
        for (String n : names) s.add(SignalParm.Request.of(n));
        return new SignalsDescriptor(s);
    }

    static Descriptor mode(LocalControlDescriptor.Mode mode) {
        return MediaDescriptor.of(new StreamDescriptor(1,
                List.of(new LocalControlDescriptor(List.of(new LocalControlDescriptor.StreamMode(mode))))));
    }

    static Command modify(String termination, Descriptor... descriptors) {
        return new Command.Amm(Command.AmmVerb.MODIFY, List.of(TerminationId.of(termination)), List.of(descriptors));
    }

    static Command add(String termination, Descriptor... descriptors) {
        return new Command.Amm(Command.AmmVerb.ADD, List.of(TerminationId.of(termination)), List.of(descriptors));
    }

    static List<ActionRequest> action(ContextId context, Command... commands) {
        List<CommandRequest> c = new ArrayList<>();
        for (Command cmd : commands) c.add(CommandRequest.of(cmd));
        return List.of(new ActionRequest(context, List.of(), List.of(), c));
    }

    static ActionReply notifyReply(ContextId context, List<TerminationId> ids) {
        return ActionReply.of(context, new CommandReply.Notify(ids, null));
    }
}

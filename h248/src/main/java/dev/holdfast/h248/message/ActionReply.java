package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code Context = id { errorDescriptor / commandReply / (commandReply , errorDescriptor) }} where
 * {@code commandReply = [contextProperties ,] commandReplyList}.
 *
 * @param error null when absent
 */
public record ActionReply(ContextId contextId, List<ContextProperty> contextProperties,
                          List<CommandReply> replies, ErrorDescriptor error) {
    public ActionReply {
        contextProperties = List.copyOf(contextProperties);
        replies = List.copyOf(replies);
        Checks.present(contextId, "ContextID");
    }

    public static ActionReply of(ContextId contextId, CommandReply... replies) {
        return new ActionReply(contextId, List.of(), List.of(replies), null);
    }
}

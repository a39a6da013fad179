package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code Context = id { [contextRequest ,] commandRequestList }}.
 *
 * @param contextProperties context properties to set (priority, emergency, topology, IEPS, v3 attributes)
 * @param contextAudit      the {@code ContextAudit{...}} items, empty when absent
 */
public record ActionRequest(ContextId contextId, List<ContextProperty> contextProperties,
                            List<ContextAuditItem> contextAudit, List<CommandRequest> commands) {
    public ActionRequest {
        contextProperties = List.copyOf(contextProperties);
        contextAudit = List.copyOf(contextAudit);
        commands = List.copyOf(commands);
        Checks.present(contextId, "ContextID");
        if (contextProperties.isEmpty() && contextAudit.isEmpty() && commands.isEmpty()) {
            throw new IllegalArgumentException("action request for context " + contextId + " has no context property,"
                    + " no ContextAudit and no command: the ABNF needs at least one");
        }
    }

    public static ActionRequest of(ContextId contextId, CommandRequest... commands) {
        return new ActionRequest(contextId, List.of(), List.of(), List.of(commands));
    }

    public static ActionRequest of(ContextId contextId, Command... commands) {
        return new ActionRequest(contextId, List.of(), List.of(),
                java.util.Arrays.stream(commands).map(CommandRequest::of).toList());
    }
}

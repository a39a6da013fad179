package dev.holdfast.h248.message;

import java.util.List;

/**
 * {@code Audit { [auditItem *(, auditItem)] }}: an empty descriptor audits nothing but the termination's
 * existence. An auditItem is a descriptor token ({@link Item}: audit all of the descriptor) or, from v2 on, one
 * {@link IndAuditParameter} ({@code indAudterminationAudit}: audit one property, event, signal, statistic or
 * package, e.g. {@code Audit{Media{Stream=1{LocalControl{Mode}}}}}). The ABNF's indAudterminationAudit is itself a
 * comma-separated list, so the two kinds simply alternate in {@link #items}, in wire order.
 */
public record AuditDescriptor(List<AuditItem> items) implements Descriptor {
    public AuditDescriptor { items = List.copyOf(items); }

    public static AuditDescriptor of(AuditItem... items) { return new AuditDescriptor(List.of(items)); }

    /** {@code auditItem = auditReturnItem / SignalsToken / EventBufferToken / EventsToken / indAudterminationAudit}. */
    public sealed interface AuditItem permits Item, IndAuditParameter {
        /** The descriptor this item audits: all of it (a token) or a part of it (an individual audit). */
        Item descriptor();
    }

    /** The token form of auditItem: the whole descriptor of that kind is audited. */
    public enum Item implements AuditItem {
        MUX, MODEM, MEDIA, SIGNALS, EVENT_BUFFER, DIGIT_MAP, STATISTICS, EVENTS, OBSERVED_EVENTS, PACKAGES;

        @Override
        public Item descriptor() { return this; }
    }
}

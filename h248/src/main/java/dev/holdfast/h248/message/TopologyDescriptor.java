package dev.holdfast.h248.message;

import java.util.List;

/** {@code Topology { from , to , direction [, Stream = id] *(, ...) }}: a context property. */
public record TopologyDescriptor(List<Triple> triples) implements ContextProperty {
    public TopologyDescriptor { triples = Checks.nonEmpty(triples, "a Topology descriptor"); }

    public enum Direction { BOTHWAY, ISOLATE, ONEWAY, ONEWAY_EXTERNAL, ONEWAY_BOTH }

    /** @param streamId null unless the triple names a stream (v2) */
    public record Triple(TerminationId from, TerminationId to, Direction direction, Integer streamId) {
        public Triple { if (streamId != null) Checks.uint16(streamId, "StreamID"); }
    }
}

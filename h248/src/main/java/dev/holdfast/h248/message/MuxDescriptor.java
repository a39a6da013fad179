package dev.holdfast.h248.message;

import java.util.List;

/** Legacy {@code Mux = type { terminationId *(, ...) }}: type is H221/H223/H226/V76/Nx64Kservice or X-name. */
public record MuxDescriptor(String type, List<TerminationId> terminationIds) implements Descriptor {
    public MuxDescriptor { terminationIds = Checks.nonEmpty(terminationIds, "a Mux descriptor's termination id list"); }
}

package dev.holdfast.h248.message;

import java.util.List;

/** {@code Stream = id { streamParm *(, streamParm) }}. */
public record StreamDescriptor(int streamId, List<StreamParm> parms) implements MediaParm {
    public StreamDescriptor { parms = List.copyOf(parms); }
}

package dev.holdfast.h248.message;

import java.util.List;

/** {@code Stream = id { streamParm *(, streamParm) }}. */
public record StreamDescriptor(int streamId, List<StreamParm> parms) implements MediaParm {
    public StreamDescriptor {
        Checks.uint16(streamId, "StreamID");
        parms = Checks.nonEmpty(parms, "a Stream descriptor");
    }
}

package dev.holdfast.h248.message;

import java.util.List;

/** {@code Media { mediaParm *(, mediaParm) }}; a mediaParm is a stream parameter, a Stream or TerminationState. */
public record MediaDescriptor(List<MediaParm> parms) implements Descriptor {
    public MediaDescriptor { parms = Checks.nonEmpty(parms, "a Media descriptor"); }

    public static MediaDescriptor of(MediaParm... parms) { return new MediaDescriptor(List.of(parms)); }
}

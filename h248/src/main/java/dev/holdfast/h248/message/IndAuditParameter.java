package dev.holdfast.h248.message;

import java.util.List;
import java.util.Objects;

/**
 * v2/v3 individual audit, {@code indAudauditReturnParameter}: one item of an Audit descriptor that names a single
 * property, event, signal, statistic or package to audit instead of a whole descriptor, e.g.
 * {@code Audit{Media{Stream=1{LocalControl{Mode}}}}} or {@code Audit{Events{al/on}, Statistics{nt/os}}}.
 *
 * <p>The model follows the v3 ABNF (H.248.1 Annex B), which contains v2's as a subset. What only v3 allows:
 * several indAudmediaParms in Media and several indAudlocalParms in LocalControl; Local, Remote and Statistics as an
 * indAudstreamParm; an Events descriptor without RequestID; a SignalList without a signal; the Stream and RequestID
 * parameters of an audited signal; and the selection forms ({@code Mode = SendOnly}, {@code ServiceStates # Test},
 * a propertyParm such as {@code tdmc/ec = on}), which audit only the terminations matching them.
 */
public sealed interface IndAuditParameter extends AuditDescriptor.AuditItem permits IndAuditParameter.Media,
        IndAuditParameter.Events, IndAuditParameter.Signals, IndAuditParameter.DigitMap,
        IndAuditParameter.EventBuffer, IndAuditParameter.Statistics, IndAuditParameter.Packages {

    @Override
    default AuditDescriptor.Item descriptor() {
        if (this instanceof Media) return AuditDescriptor.Item.MEDIA;
        if (this instanceof Events) return AuditDescriptor.Item.EVENTS;
        if (this instanceof Signals) return AuditDescriptor.Item.SIGNALS;
        if (this instanceof DigitMap) return AuditDescriptor.Item.DIGIT_MAP;
        if (this instanceof EventBuffer) return AuditDescriptor.Item.EVENT_BUFFER;
        if (this instanceof Statistics) return AuditDescriptor.Item.STATISTICS;
        return AuditDescriptor.Item.PACKAGES;
    }

    // ---------------------------------------------------------------- Media

    /** {@code indAudmediaDescriptor = MediaToken LBRKT indAudmediaParm *(COMMA indAudmediaParm) RBRKT}. */
    record Media(List<MediaParm> parms) implements IndAuditParameter {
        public Media { parms = Checks.nonEmpty(parms, "an audited Media descriptor"); }

        public static Media of(MediaParm... parms) { return new Media(List.of(parms)); }
    }

    /** {@code indAudmediaParm = indAudstreamParm / indAudstreamDescriptor / indAudterminationStateDescriptor}. */
    sealed interface MediaParm permits StreamParm, Stream, TerminationState {}

    /**
     * {@code indAudstreamParm = indAudlocalControlDescriptor / indAudstatisticsDescriptor / indAudremoteDescriptor /
     * indAudlocalDescriptor}.
     */
    sealed interface StreamParm extends MediaParm permits LocalControl, Statistics, Local, Remote {}

    /** {@code indAudstreamDescriptor = StreamToken EQUAL StreamID LBRKT indAudstreamParm RBRKT}. */
    record Stream(int streamId, StreamParm parm) implements MediaParm {
        public Stream {
            Objects.requireNonNull(parm, "parm");
            Checks.uint16(streamId, "StreamID");
        }
    }

    /** {@code indAudlocalControlDescriptor = LocalControlToken LBRKT indAudlocalParm *(COMMA indAudlocalParm) RBRKT}. */
    record LocalControl(List<LocalParm> parms) implements StreamParm {
        public LocalControl { parms = Checks.nonEmpty(parms, "an audited LocalControl descriptor"); }

        public static LocalControl of(LocalParm... parms) { return new LocalControl(List.of(parms)); }
    }

    /**
     * {@code indAudlocalParm = ModeToken [(EQUAL / INEQUAL) streamModes] / pkgdName / propertyParm /
     * ReservedValueToken / ReservedGroupToken}.
     */
    sealed interface LocalParm permits Mode, ReservedValue, ReservedGroup, Property, PropertyParm {}

    /**
     * {@code Mode}, or (v3, a selection) {@code Mode = SendOnly} / {@code Mode # SendOnly}: relation and mode are
     * both null or both set.
     */
    record Mode(ParmValue.Relation relation, LocalControlDescriptor.Mode mode) implements LocalParm {
        public Mode {
            if ((relation == null) != (mode == null)) {
                throw new IllegalArgumentException("Mode: relation and mode are both null or both set");
            }
        }

        /** The bare {@code Mode}: audit the stream mode. */
        public static Mode audit() { return new Mode(null, null); }
    }

    /** {@code ReservedValue}. */
    record ReservedValue() implements LocalParm {}

    /** {@code ReservedGroup}. */
    record ReservedGroup() implements LocalParm {}

    /** A {@code pkgdName} alone: audit the value of this package property. */
    record Property(String pkgdName) implements LocalParm, TerminationStateParm {
        public Property { Objects.requireNonNull(pkgdName, "pkgdName"); }
    }

    /** v3 {@code indAudlocalDescriptor = LocalToken LBRKT octetString RBRKT}, kept verbatim like {@link LocalDescriptor}. */
    record Local(String sdp) implements StreamParm {
        public Local { Objects.requireNonNull(sdp, "sdp"); }
    }

    /** v3 {@code indAudremoteDescriptor = RemoteToken LBRKT octetString RBRKT}, kept verbatim. */
    record Remote(String sdp) implements StreamParm {
        public Remote { Objects.requireNonNull(sdp, "sdp"); }
    }

    /** {@code indAudterminationStateDescriptor = TerminationStateToken LBRKT indAudterminationStateParm RBRKT}. */
    record TerminationState(TerminationStateParm parm) implements MediaParm {
        public TerminationState { Objects.requireNonNull(parm, "parm"); }
    }

    /**
     * {@code indAudterminationStateParm = pkgdName / propertyParm / ServiceStatesToken [(EQUAL / INEQUAL)
     * serviceStatesValue] / BufferToken}.
     */
    sealed interface TerminationStateParm permits ServiceStates, Buffer, Property, PropertyParm {}

    /**
     * {@code ServiceStates}, or (v3, a selection) {@code ServiceStates = InService} / {@code ServiceStates # Test}:
     * relation and state are both null or both set.
     */
    record ServiceStates(ParmValue.Relation relation, TerminationStateDescriptor.ServiceState state)
            implements TerminationStateParm {
        public ServiceStates {
            if ((relation == null) != (state == null)) {
                throw new IllegalArgumentException("ServiceStates: relation and state are both null or both set");
            }
        }

        /** The bare {@code ServiceStates}: audit the service state. */
        public static ServiceStates audit() { return new ServiceStates(null, null); }
    }

    /** {@code Buffer}: audit the event buffer control. */
    record Buffer() implements TerminationStateParm {}

    // ---------------------------------------------------------------- the other descriptors

    /**
     * {@code indAudeventsDescriptor = EventsToken [EQUAL RequestID] LBRKT indAudrequestedEvent RBRKT};
     * indAudrequestedEvent = pkgdName. The RequestID is null when absent (v3; v2 requires it).
     */
    record Events(RequestId requestId, String pkgdName) implements IndAuditParameter {
        public Events { Objects.requireNonNull(pkgdName, "pkgdName"); }
    }

    /**
     * {@code indAudeventBufferDescriptor = EventBufferToken LBRKT indAudeventSpec RBRKT}; indAudeventSpec =
     * pkgdName [LBRKT indAudeventSpecParameter RBRKT]; indAudeventSpecParameter = eventStream / eventParameterName.
     * At most one of {@code streamId} ({@code Stream = id}) and {@code parameterName} (a NAME) is set.
     */
    record EventBuffer(String pkgdName, Integer streamId, String parameterName) implements IndAuditParameter {
        public EventBuffer {
            Objects.requireNonNull(pkgdName, "pkgdName");
            if (streamId != null && parameterName != null) {
                throw new IllegalArgumentException("EventBuffer: a stream or a parameter name, not both");
            }
            if (streamId != null) Checks.uint16(streamId, "StreamID");
        }

        public static EventBuffer of(String pkgdName) { return new EventBuffer(pkgdName, null, null); }
    }

    /** {@code indAudsignalsDescriptor = SignalsToken LBRKT [indAudsignalParm] RBRKT}; {@code signal} is null for {@code Signals{}}. */
    record Signals(SignalParm signal) implements IndAuditParameter {}

    /** {@code indAudsignalParm = indAudsignalList / indAudsignalRequest}. */
    sealed interface SignalParm permits Signal, SignalList {}

    /**
     * {@code indAudsignalRequest = signalName [LBRKT indAudsignalRequestParm *(COMMA indAudsignalRequestParm)
     * RBRKT]}; indAudsignalRequestParm = sigStream / sigRequestID (v3; v2 has the signalName only). Each parameter
     * may appear once, so the model keeps them as fields (null when absent); the encoder writes Stream first.
     */
    record Signal(String name, Integer streamId, RequestId requestId) implements SignalParm {
        public Signal {
            Objects.requireNonNull(name, "name");
            if (streamId != null) Checks.uint16(streamId, "StreamID");
        }

        public static Signal of(String name) { return new Signal(name, null, null); }
    }

    /**
     * {@code indAudsignalList = SignalListToken EQUAL signalListId [LBRKT indAudsignalListParm RBRKT]};
     * indAudsignalListParm = indAudsignalRequest. {@code signal} is null when absent (v3; v2 requires it).
     */
    record SignalList(int id, Signal signal) implements SignalParm {
        public SignalList { Checks.uint16(id, "signal list id"); }
    }

    /** {@code indAuddigitMapDescriptor = DigitMapToken EQUAL digitMapName}. */
    record DigitMap(String name) implements IndAuditParameter {
        public DigitMap { Objects.requireNonNull(name, "name"); }
    }

    /** {@code indAudstatisticsDescriptor = StatsToken LBRKT pkgdName RBRKT}, also an indAudstreamParm (v3). */
    record Statistics(String pkgdName) implements IndAuditParameter, StreamParm {
        public Statistics { Objects.requireNonNull(pkgdName, "pkgdName"); }
    }

    /** {@code indAudpackagesDescriptor = PackagesToken LBRKT packagesItem RBRKT}; packagesItem = NAME "-" UINT16. */
    record Packages(String name, int version) implements IndAuditParameter {
        public Packages {
            Objects.requireNonNull(name, "name");
            Checks.uint16(version, "package version");
        }
    }
}

package dev.holdfast.h248.message;

import java.util.List;

/** {@code signalParm = signalList / signalRequest}. */
public sealed interface SignalParm permits SignalParm.Request, SignalParm.SignalList {

    /** {@code signalName [{ sigParameter *(, ...) }]}. */
    record Request(String name, List<SignalParameter> parameters) implements SignalParm {
        public Request { parameters = List.copyOf(parameters); }

        public static Request of(String name, SignalParameter... parameters) {
            return new Request(name, List.of(parameters));
        }
    }

    /** {@code SignalList = id { signalRequest *(, ...) }}: played in sequence. */
    record SignalList(int id, List<Request> signals) implements SignalParm {
        public SignalList {
            Checks.uint16(id, "signal list id");
            signals = Checks.nonEmpty(signals, "a SignalList");
        }
    }
}

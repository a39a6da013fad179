package dev.holdfast.endpointsim.phone;

import java.net.InetSocketAddress;

/** What a phone reports as it happens, on the phone's scheduler thread. All methods are optional. */
public interface PhoneListener {
    default void registered(Phone phone, InetSocketAddress controller) {}

    default void registrationFailed(Phone phone, InetSocketAddress controller, String reason) {}

    /** The current controller stopped answering: the phone moves on to {@code next}. */
    default void failedOver(Phone phone, InetSocketAddress from, InetSocketAddress next, String reason) {}

    default void callStateChanged(Phone phone, Call call, CallState state) {}
}

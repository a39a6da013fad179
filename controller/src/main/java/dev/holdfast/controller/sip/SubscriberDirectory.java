package dev.holdfast.controller.sip;

import dev.holdfast.controller.provisioning.SubscriberConfig;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The provisioned subscribers, by user name and by directory number. */
public final class SubscriberDirectory {
    private final Map<String, Subscriber> byUser = new TreeMap<>();
    private final Map<String, Subscriber> byNumber = new TreeMap<>();

    public SubscriberDirectory(List<SubscriberConfig> subscribers) { reload(subscribers); }

    /** The subscribers changed while the controller runs (a station added or removed). */
    public void reload(List<SubscriberConfig> subscribers) {
        byUser.clear();
        byNumber.clear();
        for (SubscriberConfig c : subscribers) {
            Subscriber s = new Subscriber(c.user(), c.password(), c.ha1(), c.number());
            byUser.put(s.user(), s);
            byNumber.put(s.number(), s);
        }
    }

    public Subscriber byUser(String user) { return user == null ? null : byUser.get(user); }

    public Subscriber byNumber(String number) { return number == null ? null : byNumber.get(number); }

    public int size() { return byUser.size(); }

    /** Every subscriber, by user name. */
    public java.util.Collection<Subscriber> all() { return java.util.Collections.unmodifiableCollection(byUser.values()); }
}

package dev.holdfast.controller.cluster;

import dev.holdfast.controller.ControllerCore;
import dev.holdfast.controller.gateway.Gateway;
import dev.holdfast.controller.gateway.GatewayState;
import dev.holdfast.controller.provisioning.MidText;
import dev.holdfast.controller.provisioning.Provisioning;
import dev.holdfast.controller.sip.Binding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What the cluster client reads of a controller's core: only ever on the core thread, inside a query. */
public final class CoreClusterState implements ClusterClient.ControllerState {
    private final ControllerCore core;
    private final Provisioning provisioning;
    private final Supplier<String> adminUrl;

    public CoreClusterState(ControllerCore core, Provisioning provisioning, Supplier<String> adminUrl) {
        this.core = core;
        this.provisioning = provisioning;
        this.adminUrl = adminUrl;
    }

    @Override public Map<String, String> gatewaysInService() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Gateway g : core.association().gateways()) {
            if (g.state() == GatewayState.IN_SERVICE) out.put(MidText.canonical(g.config().mid()), g.name());
        }
        return out;
    }

    @Override public ClusterClient.Registration registration(String user) {
        long now = System.currentTimeMillis();
        List<Binding> live = core.sip().location().bindings(user, now);
        if (live.isEmpty()) return null;
        List<ClusterClient.Contact> contacts = new ArrayList<>();
        for (Binding b : live) contacts.add(new ClusterClient.Contact(b.contact(), b.expiresAt()));
        var sub = core.sip().directory().byUser(user);
        return new ClusterClient.Registration("sip:" + user + "@" + core.sip().domain(), user,
                sub == null ? null : sub.number(), contacts);
    }

    @Override public List<String> registeredUsers() {
        return new ArrayList<>(core.sip().location().live(System.currentTimeMillis()).keySet());
    }

    @Override public List<ClusterClient.Subscriber> subscribers() {
        List<ClusterClient.Subscriber> out = new ArrayList<>();
        String realm = provisioning.sip() == null ? "holdfast" : provisioning.sip().realm();
        for (var s : core.sip().directory().all()) {
            String ha1 = s.ha1() != null ? s.ha1().toLowerCase(java.util.Locale.ROOT)
                    : md5(s.user() + ":" + realm + ":" + (s.password() == null ? "" : s.password()));
            out.add(new ClusterClient.Subscriber(s.number(), s.user(), ha1));
        }
        return out;
    }

    @Override public String adminUrl() { return adminUrl.get(); }

    /** HA1 of RFC 2617 3.2.2.2 (MD5 of user:realm:password): the directory never holds a password. */
    static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

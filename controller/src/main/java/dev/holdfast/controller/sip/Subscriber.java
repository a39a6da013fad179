package dev.holdfast.controller.sip;

/** A provisioned SIP subscriber: digest user name, secret (password or MD5 HA1) and directory number. */
public record Subscriber(String user, String password, String ha1, String number) {}

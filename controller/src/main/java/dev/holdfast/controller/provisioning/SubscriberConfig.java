package dev.holdfast.controller.provisioning;

/**
 * A SIP subscriber (an IP phone's account): the user name it registers and authenticates with, its secret and its
 * directory number. Give either {@code password} or {@code ha1} (MD5 of {@code user:realm:password}, so that the
 * file need not hold the password; it is then bound to the realm it was made for).
 *
 * @param user     the user part of the address-of-record and the digest user name
 * @param password the digest password, or null
 * @param ha1      the MD5 HA1 in hex, or null
 * @param number   the directory number callers dial to reach this subscriber
 */
public record SubscriberConfig(String user, String password, String ha1, String number) {}

package dev.holdfast.controller.admin;

/** A logged-in user: who, with which role, under which token (kept only to log it out). */
record Session(String user, Role role, String token) {
    @Override public String toString() { return "Session[" + user + ", " + role.text() + "]"; }
}

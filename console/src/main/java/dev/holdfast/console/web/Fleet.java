package dev.holdfast.console.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.holdfast.console.AdminApiClient;
import dev.holdfast.console.ConsoleSession;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Asks the configured controllers' admin APIs with a session's tokens: one answer per controller, or why none. */
final class Fleet {
    private Fleet() {}

    /** One controller's answer: the reply, or the reason there is none (not reachable, login refused). */
    record Answer(String controller, AdminApiClient.Reply reply, String failure, boolean unreachable) {
        boolean ok() { return reply != null && reply.ok(); }

        JsonNode json() { return reply == null ? null : reply.json(); }

        /** What went wrong, for the page: not reachable, or the API's error. */
        String problem() { return failure != null ? failure : reply.ok() ? null : reply.error(); }
    }

    static List<Answer> getAll(ConsoleSession s, String path) {
        List<Answer> all = new ArrayList<>();
        for (String c : s.controllerNames()) all.add(get(s, c, path));
        return all;
    }

    static Answer get(ConsoleSession s, String controller, String path) {
        return call(s, controller, (api, token) -> api.get(path, token));
    }

    static Answer call(ConsoleSession s, String controller, ConsoleSession.ApiCall call) {
        try {
            return new Answer(controller, s.call(controller, call), null, false);
        } catch (AdminApiClient.Unreachable e) {
            return new Answer(controller, null, e.getMessage(), true);
        } catch (IOException e) {
            // the login was refused, or the session ended meanwhile: the controller itself answered
            return new Answer(controller, null, e.getMessage(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(controller, null, "interrupted", false);
        }
    }

    /** The first controller that answers the path with 2xx (a reachable one that knows it), or the last failure. */
    static Answer first(ConsoleSession s, String path) {
        Answer last = null;
        for (String c : s.controllerNames()) {
            last = get(s, c, path);
            if (last.ok()) return last;
        }
        return last;
    }
}

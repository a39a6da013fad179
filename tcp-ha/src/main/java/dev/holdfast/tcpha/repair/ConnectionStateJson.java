package dev.holdfast.tcpha.repair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.holdfast.tcpha.posix.Sockets;

import java.io.IOException;
import java.util.Base64;

/** A connection's state as one JSON object (to hand it between processes, e.g. in the repair test). */
public final class ConnectionStateJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConnectionStateJson() {}

    public static String write(ConnectionState s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("localIp", s.local().getAddress().getHostAddress()).put("localPort", s.local().getPort());
        o.put("remoteIp", s.remote().getAddress().getHostAddress()).put("remotePort", s.remote().getPort());
        o.put("sndUna", s.sndUna()).put("rcvNxt", s.rcvNxt()).put("mss", s.mss());
        o.put("sndWscale", s.sndWscale()).put("rcvWscale", s.rcvWscale());
        o.put("sack", s.sack()).put("timestamps", s.timestamps()).put("tsVal", s.tsVal());
        o.put("sndWnd", s.sndWnd()).put("rcvWnd", s.rcvWnd());
        o.put("sendQueue", Base64.getEncoder().encodeToString(s.sendQueue()));
        o.put("recvQueue", Base64.getEncoder().encodeToString(s.recvQueue()));
        return o.toString();
    }

    public static ConnectionState read(String json) throws IOException {
        JsonNode o = JSON.readTree(json);
        return new ConnectionState(Sockets.addr(o.get("localIp").asText(), o.get("localPort").asInt()),
                Sockets.addr(o.get("remoteIp").asText(), o.get("remotePort").asInt()),
                o.get("sndUna").asInt(), o.get("rcvNxt").asInt(), o.get("mss").asInt(),
                o.get("sndWscale").asInt(), o.get("rcvWscale").asInt(), o.get("sack").asBoolean(),
                o.get("timestamps").asBoolean(), o.get("tsVal").asInt(), o.get("sndWnd").asInt(), o.get("rcvWnd").asInt(),
                Base64.getDecoder().decode(o.get("sendQueue").asText()),
                Base64.getDecoder().decode(o.get("recvQueue").asText()));
    }
}

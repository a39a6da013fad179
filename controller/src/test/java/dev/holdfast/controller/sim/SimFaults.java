package dev.holdfast.controller.sim;

/**
 * The faults one seed draws for the H.248 network and the failover.
 *
 * @param lossRate         probability that one H.248 message is lost on its way (TCP sends it again after its
 *                         retransmission timeout; with -Dsim.udpLoss=true the h248 transaction layer does)
 * @param maxDelayMillis   one-way delay of a message is uniform in [1, maxDelayMillis] ms (FIFO per connection)
 * @param maxCloseMillis   how long after a peer dies the other side sees the TCP connection close
 * @param slowArrivals     some gateways reach the alternate only seconds later (their connection setup is slow)
 * @param deadGateway      0: none; else the gateway (1-based) that dies with the primary and never comes back
 * @param tamperCookie     the first audit reply carrying a cookie is altered on the wire (one octet of one cookie)
 * @param outageHangUp     a party of an established call hangs up while no controller is reachable
 */
record SimFaults(double lossRate, int maxDelayMillis, int maxCloseMillis, boolean slowArrivals, int deadGateway,
                 boolean tamperCookie, boolean outageHangUp) {
    static final SimFaults NONE = new SimFaults(0, 5, 100, false, 0, false, false);
}

package dev.holdfast.controller.sip;

import java.util.List;

/**
 * A phone's INVITE dialog as its dialog event package NOTIFY describes it, from the controller's side: what the SIP
 * edge needs to send requests in it and to accept the phone's (RFC 3261 12.2). "Local" is the controller.
 *
 * @param phoneUser    the registered user the NOTIFY came from
 * @param localTag     the controller's tag (the phone's remote-tag)
 * @param remoteTag    the phone's tag
 * @param localUri     the controller's URI in the dialog (the phone's remote identity)
 * @param remoteUri    the phone's URI in the dialog (its local identity)
 * @param remoteTarget the phone's Contact (its local target): where our requests go
 * @param localCSeq    the last CSeq the phone saw from us (-1: none); ours continue above it
 * @param remoteCSeq   the last CSeq the phone sent; its next requests must be above it
 * @param routeSet     our route set toward the phone (the phone's, reversed)
 * @param cookie       the cookie text of the dialog's remote target (the {@code hfck} parameter), or null
 */
public record AdoptedDialog(String phoneUser, String callId, String localTag, String remoteTag, String localUri,
                            String remoteUri, String remoteTarget, String transport, long localCSeq, long remoteCSeq,
                            List<String> routeSet, String cookie) {
    public AdoptedDialog {
        routeSet = List.copyOf(routeSet);
    }
}

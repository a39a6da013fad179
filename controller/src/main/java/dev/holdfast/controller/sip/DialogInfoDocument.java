package dev.holdfast.controller.sip;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a dialog event package document (RFC 4235 {@code application/dialog-info+xml}) as a phone sends it: each
 * {@code <dialog>} with its tags, state, identities and targets, and our extension element (namespace
 * {@value #HF_NS}: the CSeq numbers and route set that an alternate controller needs to send in the dialog). No DTDs,
 * no external entities: the document comes from the network.
 */
final class DialogInfoDocument {
    static final String NS = "urn:ietf:params:xml:ns:dialog-info";
    static final String HF_NS = "urn:x-holdfast:dialog-state";
    /** Dialogs read from one document at most: a phone has a handful; more is an attack or a bug. */
    static final int MAX_DIALOGS = 64;

    private DialogInfoDocument() {}

    /**
     * One dialog from the phone's point of view ("local" is the phone). CSeqs are -1 when the document has none.
     * {@code inviteBranch}: for an early dialog of the phone's own INVITE, the branch of that INVITE's Via (so that
     * the controller that takes it over can answer it), else null.
     */
    record Dialog(String callId, String localTag, String remoteTag, String direction, String state,
                  String localIdentity, String localTarget, String remoteIdentity, String remoteTarget,
                  long localCSeq, long remoteCSeq, List<String> routeSet, String inviteBranch) {
        Dialog(String callId, String localTag, String remoteTag, String direction, String state, String localIdentity,
               String localTarget, String remoteIdentity, String remoteTarget, long localCSeq, long remoteCSeq,
               List<String> routeSet) {
            this(callId, localTag, remoteTag, direction, state, localIdentity, localTarget, remoteIdentity, remoteTarget,
                    localCSeq, remoteCSeq, routeSet, null);
        }
    }

    private static final org.xml.sax.ErrorHandler QUIET = new org.xml.sax.helpers.DefaultHandler();

    /**
     * One parser per thread, reset between documents: making a factory and a builder per NOTIFY was most of its cost
     * (after a failover the alternate parses one from every phone, on the core thread).
     */
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder();
        } catch (javax.xml.parsers.ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    });

    /** The dialogs of {@code xml}; IllegalArgumentException when it is not a dialog-info document. */
    static List<Dialog> parse(String xml) {
        Element root;
        try {
            DocumentBuilder b = BUILDER.get();
            b.reset();
            b.setErrorHandler(QUIET); // no printing to stderr: we report it
            root = b.parse(new InputSource(new StringReader(xml))).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalArgumentException("not XML: " + e.getMessage());
        }
        if (!NS.equals(root.getNamespaceURI()) || !"dialog-info".equals(root.getLocalName())) {
            throw new IllegalArgumentException("not a dialog-info document: " + root.getNodeName());
        }
        List<Dialog> out = new ArrayList<>();
        NodeList dialogs = root.getElementsByTagNameNS(NS, "dialog");
        if (dialogs.getLength() > MAX_DIALOGS) throw new IllegalArgumentException(dialogs.getLength() + " dialogs");
        for (int i = 0; i < dialogs.getLength(); i++) {
            Element d = (Element) dialogs.item(i);
            Element local = child(d, NS, "local");
            Element remote = child(d, NS, "remote");
            Element ext = child(d, HF_NS, "dialog-state");
            List<String> routes = new ArrayList<>();
            if (ext != null) {
                for (Node n = ext.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element r && HF_NS.equals(r.getNamespaceURI()) && "route".equals(r.getLocalName())) {
                        routes.add(r.getAttribute("uri"));
                    }
                }
            }
            out.add(new Dialog(attr(d, "call-id"), attr(d, "local-tag"), attr(d, "remote-tag"), attr(d, "direction"),
                    text(child(d, NS, "state")), text(child(local, NS, "identity")), target(local),
                    text(child(remote, NS, "identity")), target(remote),
                    number(ext, "local-cseq"), number(ext, "remote-cseq"), routes,
                    ext == null || ext.getAttribute("invite-branch").isEmpty() ? null : ext.getAttribute("invite-branch")));
        }
        return out;
    }

    private static Element child(Element parent, String ns, String name) {
        if (parent == null) return null;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) return e;
        }
        return null;
    }

    private static String attr(Element e, String name) {
        String v = e.getAttribute(name);
        return v.isEmpty() ? null : v;
    }

    private static String text(Element e) { return e == null ? null : e.getTextContent().strip(); }

    private static String target(Element party) {
        Element t = child(party, NS, "target");
        return t == null ? null : attr(t, "uri");
    }

    private static long number(Element e, String name) {
        if (e == null || e.getAttribute(name).isEmpty()) return -1;
        try {
            return Long.parseLong(e.getAttribute(name));
        } catch (NumberFormatException x) {
            throw new IllegalArgumentException(name + " is not a number");
        }
    }
}

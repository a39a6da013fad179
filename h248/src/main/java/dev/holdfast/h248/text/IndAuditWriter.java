package dev.holdfast.h248.text;

import dev.holdfast.h248.message.IndAuditParameter;
import dev.holdfast.h248.message.ParmValue;
import dev.holdfast.h248.message.PropertyParm;
import dev.holdfast.h248.message.RequestId;

import java.util.List;
import java.util.function.Consumer;

/**
 * Writes the v2/v3 individual audit parameters (indAudauditReturnParameter) of an Audit descriptor or a Services
 * audit item. They stay on the Audit descriptor's line in both forms, like its tokens: compact
 * {@code AT{M{ST=1{O{MO}}},E=7{al/on}}}, pretty {@code Audit {Media {Stream = 1 {LocalControl {Mode}}}, Events = 7
 * {al/on}}} (" = " after a keyword naming a block, "=" in parameters, ", " between items, as elsewhere).
 */
final class IndAuditWriter {
    private final OctetWriter sb;
    private final boolean compact;
    /** Writes a propertyParm (a v3 selection) the way the encoder writes one everywhere else. */
    private final Consumer<PropertyParm> propertyParm;

    IndAuditWriter(OctetWriter sb, boolean compact, Consumer<PropertyParm> propertyParm) {
        this.sb = sb;
        this.compact = compact;
        this.propertyParm = propertyParm;
    }

    void write(IndAuditParameter p) {
        if (p instanceof IndAuditParameter.Media m) {
            media(m);
        } else if (p instanceof IndAuditParameter.Events e) {
            tok(Token.EVENTS);
            if (e.requestId() != null) {
                eq();
                requestId(e.requestId());
            }
            lbrace();
            sb.append(e.pkgdName()).append('}');
        } else if (p instanceof IndAuditParameter.Signals s) {
            tok(Token.SIGNALS);
            lbrace();
            if (s.signal() instanceof IndAuditParameter.SignalList list) {
                tok(Token.SIGNAL_LIST);
                eq();
                sb.append(list.id());
                if (list.signal() != null) {
                    lbrace();
                    signal(list.signal());
                    sb.append('}');
                }
            } else if (s.signal() instanceof IndAuditParameter.Signal signal) {
                signal(signal);
            }
            sb.append('}');
        } else if (p instanceof IndAuditParameter.DigitMap dm) {
            tok(Token.DIGIT_MAP);
            eq();
            sb.append(dm.name());
        } else if (p instanceof IndAuditParameter.EventBuffer eb) {
            tok(Token.EVENT_BUFFER);
            lbrace();
            sb.append(eb.pkgdName());
            if (eb.streamId() != null) {
                lbrace();
                tok(Token.STREAM);
                sb.append('=').append(eb.streamId().intValue()).append('}');
            } else if (eb.parameterName() != null) {
                lbrace();
                sb.append(eb.parameterName()).append('}');
            }
            sb.append('}');
        } else if (p instanceof IndAuditParameter.Statistics st) {
            statistics(st);
        } else if (p instanceof IndAuditParameter.Packages pg) {
            tok(Token.PACKAGES);
            lbrace();
            sb.append(pg.name()).append('-').append(pg.version()).append('}');
        } else {
            throw new IllegalArgumentException("cannot encode " + p);
        }
    }

    private void media(IndAuditParameter.Media m) {
        List<IndAuditParameter.MediaParm> parms = m.parms();
        if (parms.isEmpty()) throw new IllegalArgumentException("an audited Media needs at least one parameter");
        tok(Token.MEDIA);
        lbrace();
        for (int i = 0; i < parms.size(); i++) {
            if (i > 0) comma();
            IndAuditParameter.MediaParm p = parms.get(i);
            if (p instanceof IndAuditParameter.Stream st) {
                tok(Token.STREAM);
                eq();
                sb.append(st.streamId());
                lbrace();
                streamParm(st.parm());
                sb.append('}');
            } else if (p instanceof IndAuditParameter.TerminationState ts) {
                tok(Token.TERMINATION_STATE);
                lbrace();
                terminationStateParm(ts.parm());
                sb.append('}');
            } else {
                streamParm((IndAuditParameter.StreamParm) p);
            }
        }
        sb.append('}');
    }

    private void streamParm(IndAuditParameter.StreamParm p) {
        if (p instanceof IndAuditParameter.LocalControl lc) {
            localControl(lc);
        } else if (p instanceof IndAuditParameter.Statistics st) {
            statistics(st);
        } else if (p instanceof IndAuditParameter.Local l) {
            octetString(Token.LOCAL, l.sdp());
        } else if (p instanceof IndAuditParameter.Remote r) {
            octetString(Token.REMOTE, r.sdp());
        } else {
            throw new IllegalArgumentException("cannot encode " + p);
        }
    }

    private void localControl(IndAuditParameter.LocalControl lc) {
        List<IndAuditParameter.LocalParm> parms = lc.parms();
        if (parms.isEmpty()) throw new IllegalArgumentException("an audited LocalControl needs at least one parameter");
        tok(Token.LOCAL_CONTROL);
        lbrace();
        for (int i = 0; i < parms.size(); i++) {
            if (i > 0) comma();
            IndAuditParameter.LocalParm p = parms.get(i);
            if (p instanceof IndAuditParameter.Mode mode) {
                tok(Token.MODE);
                if (mode.mode() != null) {
                    relation(mode.relation());
                    tok(switch (mode.mode()) {
                        case SENDONLY -> Token.SENDONLY;
                        case RECVONLY -> Token.RECVONLY;
                        case SENDRECV -> Token.SENDRECV;
                        case INACTIVE -> Token.INACTIVE;
                        case LOOPBACK -> Token.LOOPBACK;
                    });
                }
            } else if (p instanceof IndAuditParameter.ReservedValue) {
                tok(Token.RESERVED_VALUE);
            } else if (p instanceof IndAuditParameter.ReservedGroup) {
                tok(Token.RESERVED_GROUP);
            } else if (p instanceof IndAuditParameter.Property pr) {
                sb.append(pr.pkgdName());
            } else if (p instanceof PropertyParm pp) {
                propertyParm.accept(pp);
            } else {
                throw new IllegalArgumentException("cannot encode " + p);
            }
        }
        sb.append('}');
    }

    private void terminationStateParm(IndAuditParameter.TerminationStateParm p) {
        if (p instanceof IndAuditParameter.ServiceStates ss) {
            tok(Token.SERVICE_STATES);
            if (ss.state() != null) {
                relation(ss.relation());
                tok(switch (ss.state()) {
                    case TEST -> Token.TEST;
                    case OUT_OF_SERVICE -> Token.OUT_OF_SERVICE;
                    case IN_SERVICE -> Token.IN_SERVICE;
                });
            }
        } else if (p instanceof IndAuditParameter.Buffer) {
            tok(Token.BUFFER);
        } else if (p instanceof IndAuditParameter.Property pr) {
            sb.append(pr.pkgdName());
        } else if (p instanceof PropertyParm pp) {
            propertyParm.accept(pp);
        } else {
            throw new IllegalArgumentException("cannot encode " + p);
        }
    }

    private void signal(IndAuditParameter.Signal s) {
        sb.append(s.name());
        if (s.streamId() == null && s.requestId() == null) return;
        lbrace();
        if (s.streamId() != null) {
            tok(Token.STREAM);
            sb.append('=').append(s.streamId().intValue());
            if (s.requestId() != null) comma();
        }
        if (s.requestId() != null) {
            tok(Token.REQUEST_ID);
            sb.append('=');
            requestId(s.requestId());
        }
        sb.append('}');
    }

    private void statistics(IndAuditParameter.Statistics st) {
        tok(Token.STATISTICS);
        lbrace();
        sb.append(st.pkgdName()).append('}');
    }

    private void octetString(Token token, String sdp) {
        MessageEncoder.checkOctetString(sdp);
        tok(token);
        lbrace();
        sb.append(sdp).append('}');
    }

    private void relation(ParmValue.Relation relation) {
        sb.append(switch (relation) {
            case EQUAL -> '=';
            case GREATER -> '>';
            case LESS -> '<';
            case NOT_EQUAL -> '#';
        });
    }

    private void requestId(RequestId id) {
        if (id.value() < 0) sb.append('*');
        else sb.append(id.value());
    }

    private void tok(Token t) { sb.append(compact ? t.shortName : t.longName); }

    /** EQUAL after a keyword that names a block (Stream, Events, SignalList, DigitMap): " = " in pretty form. */
    private void eq() { sb.append(compact ? "=" : " = "); }

    /** LBRKT: " {" in pretty form (here it always follows a keyword, a name or a number). */
    private void lbrace() {
        if (!compact) sb.append(' ');
        sb.append('{');
    }

    private void comma() { sb.append(compact ? "," : ", "); }
}

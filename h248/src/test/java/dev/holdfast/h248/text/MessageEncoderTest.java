package dev.holdfast.h248.text;

import dev.holdfast.h248.message.ActionRequest;
import dev.holdfast.h248.message.Command;
import dev.holdfast.h248.message.ContextId;
import dev.holdfast.h248.message.ContextProperty;
import dev.holdfast.h248.message.Descriptor;
import dev.holdfast.h248.message.LocalControlDescriptor;
import dev.holdfast.h248.message.LocalDescriptor;
import dev.holdfast.h248.message.MediaDescriptor;
import dev.holdfast.h248.message.MId;
import dev.holdfast.h248.message.Message;
import dev.holdfast.h248.message.MessageBody;
import dev.holdfast.h248.message.RemoteDescriptor;
import dev.holdfast.h248.message.ServiceChangeParm;
import dev.holdfast.h248.message.SignalParameter;
import dev.holdfast.h248.message.SignalParm;
import dev.holdfast.h248.message.SignalsDescriptor;
import dev.holdfast.h248.message.StreamDescriptor;
import dev.holdfast.h248.message.TerminationId;
import dev.holdfast.h248.message.TerminationStateDescriptor;
import dev.holdfast.h248.message.TopologyDescriptor;
import dev.holdfast.h248.message.Transaction;
import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dev.holdfast.h248.text.SampleMessages.MGC;
import static dev.holdfast.h248.text.SampleMessages.tid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder's exact output, in both forms, for sample messages that between them hold every element of the
 * model (checked by {@link #samplesUseEveryRecordOfTheModel}), plus the spelling of every enumerated token and
 * the SDP convention. The conventions themselves are documented on {@link MessageEncoder}.
 */
class MessageEncoderTest {

    private static void assertForms(Message m, String pretty, String compact) {
        assertEquals(pretty, TextCodec.encode(m, TextForm.PRETTY), "pretty form");
        assertEquals(compact, TextCodec.encode(m, TextForm.COMPACT), "compact form");
    }

    /**
     * ServiceChange request with every parameter: method, reason, delay, address, profile, version, time stamp,
     * extension.
     */
    @Test
    void serviceChangeRestart() {
        assertForms(SampleMessages.serviceChangeRestart(),
                """
                MEGACO/2 [192.0.2.20]:2944
                Transaction = 9998 {
                    Context = - {
                        ServiceChange = ROOT {
                            Services {
                                Method=Restart,
                                Reason="901 Cold Boot",
                                Delay=1500,
                                ServiceChangeAddress=2944,
                                Profile=ResGW/1,
                                Version=2,
                                20240611T13042200,
                                X-ver="build 7"
                            }
                        }
                    }
                }
                """,
                """
                !/2 [192.0.2.20]:2944
                T=9998{C=-{SC=ROOT{SV{MT=RS,RE="901 Cold Boot",DL=1500,AD=2944,PF=ResGW/1,V=2,20240611T13042200,X-ver="build 7"}}}}""");
    }

    /** ServiceChange reply with MgcIdToTry as a domain name with port, profile and version. */
    @Test
    void serviceChangeReply() {
        assertForms(SampleMessages.serviceChangeReply(),
                """
                MEGACO/2 [192.0.2.1]:2944
                Reply = 9998 {
                    Context = - {
                        ServiceChange = ROOT {
                            Services {
                                MgcIdToTry=<mgc2.example.net>:2944,
                                Profile=ResGW/1,
                                Version=2
                            }
                        }
                    }
                }
                """,
                """
                !/2 [192.0.2.1]:2944
                P=9998{C=-{SC=ROOT{SV{MG=<mgc2.example.net>:2944,PF=ResGW/1,V=2}}}}""");
    }

    /**
     * Modify with Media (TerminationState, Stream with LocalControl, Local and Remote SDP), Events with every
     * event parameter kind, Signals with every signal parameter kind and a SignalList, DigitMap with all four
     * timers, EventBuffer.
     */
    @Test
    void modifyLine() {
        assertForms(SampleMessages.modifyLine(),
                """
                MEGACO/2 [192.0.2.1]:2944
                Transaction = 10001 {
                    Context = 1 {
                        Modify = line/17 {
                            Media {
                                TerminationState {
                                    ServiceStates=InService,
                                    Buffer=LockStep,
                                    al/hookstate=onhook
                                },
                                Stream = 1 {
                                    LocalControl {
                                        Mode=SendReceive,
                                        ReservedValue=ON,
                                        ReservedGroup=OFF,
                                        nt/jit=40
                                    },
                                    Local {
                v=0
                c=IN IP4 192.0.2.20
                m=audio 1296 RTP/AVP 0
                },
                                    Remote {
                v=0
                c=IN IP4 198.51.100.7
                m=audio 40000 RTP/AVP 0
                a=ptime:20
                }
                                }
                            },
                            Events = 2223 {
                                al/of {
                                    strict=state,
                                    KeepActive,
                                    Stream=1
                                },
                                dd/ce {
                                    DigitMap=dialplan0,
                                    Embed {
                                        Signals {
                                            cg/rt
                                        },
                                        Events = 2224 {
                                            al/on
                                        }
                                    }
                                },
                                dd/std {
                                    DigitMap={T:4,L:12,(0|1x|2xx)},
                                    RegulatedNotify {
                                        Embed {
                                            Events = 2225 {
                                                al/on
                                            }
                                        }
                                    },
                                    ResetEventsDescriptor
                                },
                                al/fl {
                                    ImmediateNotify
                                },
                                nt/qualert {
                                    NeverNotify,
                                    th>30
                                }
                            },
                            Signals {
                                cg/dt {
                                    SignalType=TimeOut,
                                    Duration=3000,
                                    NotifyCompletion={TimeOut, IntByEvent},
                                    KeepActive,
                                    Stream=1,
                                    SPADirection=External,
                                    SPARequestID=77,
                                    Intersignal=10
                                },
                                SignalList = 2 {
                                    an/apf {
                                        an=105
                                    },
                                    an/apf {
                                        noc=2
                                    }
                                }
                            },
                            DigitMap = dialplan0 {T:16,S:4,L:12,Z:2,(0S|00S|[1-7]xLxx|8Lxxxxxxx|Fxxxxxxx|Exx|9L1xxxxxxxxxx|9L011x.S)},
                            EventBuffer {
                                al/of {
                                    Stream=1,
                                    strict=exact
                                },
                                dd/ce
                            }
                        }
                    }
                }
                """,
                """
                !/2 [192.0.2.1]:2944
                T=10001{C=1{MF=line/17{M{TS{SI=IV,BF=SP,al/hookstate=onhook},ST=1{O{MO=SR,RV=ON,RG=OFF,nt/jit=40},L{
                v=0
                c=IN IP4 192.0.2.20
                m=audio 1296 RTP/AVP 0
                },R{
                v=0
                c=IN IP4 198.51.100.7
                m=audio 40000 RTP/AVP 0
                a=ptime:20
                }}},E=2223{al/of{strict=state,KA,ST=1},dd/ce{DM=dialplan0,EM{SG{cg/rt},E=2224{al/on}}},dd/std{DM={T:4,L:12,(0|1x|2xx)},NBRN{EM{E=2225{al/on}}},RSE},al/fl{NBIN},nt/qualert{NBNN,th>30}},SG{cg/dt{SY=TO,DR=3000,NC={TO,IBE},KA,ST=1,SPADI=EX,SPARQ=77,SPAIS=10},SL=2{an/apf{an=105},an/apf{noc=2}}},DM=dialplan0{T:16,S:4,L:12,Z:2,(0S|00S|[1-7]xLxx|8Lxxxxxxx|Fxxxxxxx|Exx|9L1xxxxxxxxxx|9L011x.S)},EB{al/of{ST=1,strict=exact},dd/ce}}}}""");
    }

    /**
     * Context $ with every context property (Priority, Emergency, Topology with a stream, IEPSCall, grouped
     * ContextAttr, EmergencyOff), ContextAudit tokens, and the O- W- flags.
     */
    @Test
    void addChoose() {
        assertForms(SampleMessages.addChoose(),
                """
                MEGACO/3 [192.0.2.1]:2944
                Transaction = 10002 {
                    Context = $ {
                        Priority=3,
                        Emergency,
                        Topology {
                            line/17, $, Bothway,
                            line/18, line/17, OnewayExternal, Stream=1
                        },
                        IEPSCall=OFF,
                        ContextAttr {
                            hf/cookie="v1.abcdef",
                            hf/gen=4
                        },
                        ContextAttr {
                            ContextList={7, 8}
                        },
                        EmergencyOff,
                        ContextAudit {
                            Topology,
                            Emergency,
                            Priority,
                            IEPSCall,
                            hf/cookie
                        },
                        Add = line/17,
                        O-W-Add = $ {
                            Media {
                                LocalControl {
                                    Mode=ReceiveOnly
                                },
                                Local {
                v=0
                c=IN IP4 $
                m=audio $ RTP/AVP 0 18
                a=fmtp:18 annexb=no
                }
                            }
                        }
                    }
                }
                """,
                """
                !/3 [192.0.2.1]:2944
                T=10002{C=${PR=3,EG,TP{line/17,$,BW,line/18,line/17,OWE,ST=1},IEPS=OFF,CT{hf/cookie="v1.abcdef",hf/gen=4},CT{CLT={7,8}},EGO,CA{TP,EG,PR,IEPS,hf/cookie},A=line/17,O-W-A=${M{O{MO=RC},L{
                v=0
                c=IN IP4 $
                m=audio $ RTP/AVP 0 18
                a=fmtp:18 annexb=no
                }}}}}""");
    }

    /**
     * v3 ContextAudit selections and logic, Move, Subtract with and without Audit, AuditValue of every audit item,
     * AuditCapability with an empty Audit.
     */
    @Test
    void auditsAndMove() {
        assertForms(SampleMessages.auditsAndMove(),
                """
                MEGACO/3 [192.0.2.1]:2944
                Transaction = 10003 {
                    Context = * {
                        ContextAudit {
                            Priority=5,
                            EmergencyValue=Emergency,
                            IEPSCall=ON,
                            ContextAttr {
                                hf/gen=4
                            },
                            ContextAttr {
                                ContextList={1, 2}
                            },
                            OrLgc,
                            AndLgc
                        }
                    },
                    Context = 2 {
                        Move = line/18 {
                            Events,
                            EventBuffer,
                            Signals
                        },
                        Subtract = rtp/00012 {
                            Audit {Statistics}
                        }
                    },
                    Context = - {
                        Subtract = *,
                        AuditValue = line/* {
                            Audit {Media, Events, Signals, EventBuffer, DigitMap, Statistics, ObservedEvents, Packages, Mux, Modem}
                        },
                        AuditCapability = ROOT {
                            Audit {}
                        }
                    }
                }
                """,
                """
                !/3 [192.0.2.1]:2944
                T=10003{C=*{CA{PR=5,EGV=EG,IEPS=ON,CT{hf/gen=4},CT{CLT={1,2}},ORLGC,ANDLGC}},C=2{MV=line/18{E,EB,SG},S=rtp/00012{AT{SA}}},C=-{S=*,AV=line/*{AT{M,E,SG,EB,DM,SA,OE,PG,MX,MD}},AC=ROOT{AT{}}}}""");
    }

    /**
     * Notify with time-stamped observed events and their parameters, Notify with an error, from a domain-name mId
     * without port.
     */
    @Test
    void notifyDigits() {
        assertForms(SampleMessages.notifyDigits(),
                """
                MEGACO/1 <mg17.example.net>
                Transaction = 20001 {
                    Context = 1 {
                        Notify = line/17 {
                            ObservedEvents = 2223 {
                                20240611T13050012:al/of {
                                    init=false
                                },
                                20240611T13050375:dd/ce {
                                    ds="5551234",
                                    Meth=FM,
                                    Stream=1
                                },
                                g/sc
                            }
                        },
                        Notify = line/18 {
                            ObservedEvents = 2224 {
                                al/on
                            },
                            Error = 502 {}
                        }
                    }
                }
                """,
                """
                !/1 <mg17.example.net>
                T=20001{C=1{N=line/17{OE=2223{20240611T13050012:al/of{init=false},20240611T13050375:dd/ce{ds="5551234",Meth=FM,ST=1},g/sc}},N=line/18{OE=2224{al/on},ER=502{}}}}""");
    }

    /**
     * Replies: Notify, bare and SDP-carrying Add, an AuditValue returning every descriptor kind (bare tokens,
     * Modem and Mux included, and v2's individual audit items), context-level audit replies.
     */
    @Test
    void auditValueReply() {
        assertForms(SampleMessages.auditValueReply(),
                """
                MEGACO/2 [192.0.2.20]:2944
                Reply = 10004 {
                    Context = 1 {
                        Notify = line/17,
                        Add = line/17,
                        Add = rtp/00012 {
                            Media {
                                Local {
                v=0
                c=IN IP4 192.0.2.20
                m=audio 1296 RTP/AVP 0
                }
                            }
                        }
                    },
                    Context = - {
                        AuditValue = line/17 {
                            Media {
                                TerminationState {
                                    ServiceStates=Test,
                                    Buffer=OFF
                                }
                            },
                            Events = 2223 {
                                al/of
                            },
                            Signals {},
                            DigitMap = dialplan0,
                            EventBuffer,
                            Statistics {
                                nt/dur=4200
                            },
                            ObservedEvents = * {
                                al/on
                            },
                            Packages {al-1, dd-2, nt-1},
                            Media,
                            ObservedEvents,
                            Modem=V18,
                            Modem [V32b, SynchISDN, X-Foo] {
                                mod/speed=2400
                            },
                            Mux=H221 {bchan/1, bchan/2},
                            Events {al/on},
                            Media {Stream = 1 {LocalControl {Mode}}}
                        }
                    },
                    Context = * {
                        AuditValue = Context {line/17, rtp/00012},
                        AuditCapability = Context {
                            Error = 411 {"no such context"}
                        }
                    }
                }
                """,
                """
                !/2 [192.0.2.20]:2944
                P=10004{C=1{N=line/17,A=line/17,A=rtp/00012{M{L{
                v=0
                c=IN IP4 192.0.2.20
                m=audio 1296 RTP/AVP 0
                }}}},C=-{AV=line/17{M{TS{SI=TE,BF=OFF}},E=2223{al/of},SG{},DM=dialplan0,EB,SA{nt/dur=4200},OE=*{al/on},PG{al-1,dd-2,nt-1},M,OE,MD=V18,MD[V32b,SN,X-Foo]{mod/speed=2400},MX=H221{bchan/1,bchan/2},E{al/on},M{ST=1{O{MO}}}}},C=*{AV=C{line/17,rtp/00012},AC=C{ER=411{"no such context"}}}}""");
    }

    /**
     * Subtract reply with Statistics (values, a name alone, a v3 list), a v3 list of termination ids, Statistics
     * in a Stream.
     */
    @Test
    void subtractReply() {
        assertForms(SampleMessages.subtractReply(),
                """
                MEGACO/3 [192.0.2.20]:2944
                Reply = 10005 {
                    Context = 1 {
                        Subtract = rtp/00012 {
                            Statistics {
                                nt/os=62300,
                                nt/or=62300,
                                rtp/pl=0.01,
                                rtp/jit=20,
                                rtp/delay=40,
                                nt/dur,
                                x/per=[1, 2, 3]
                            }
                        },
                        Subtract = [line/17, line/18]
                    },
                    Context = 2 {
                        Modify = line/19 {
                            Media {
                                Stream = 1 {
                                    Statistics {
                                        nt/os=62300,
                                        nt/or=62300,
                                        rtp/pl=0.01,
                                        rtp/jit=20,
                                        rtp/delay=40,
                                        nt/dur,
                                        x/per=[1, 2, 3]
                                    }
                                }
                            }
                        },
                        Move = line/18
                    }
                }
                """,
                """
                !/3 [192.0.2.20]:2944
                P=10005{C=1{S=rtp/00012{SA{nt/os=62300,nt/or=62300,rtp/pl=0.01,rtp/jit=20,rtp/delay=40,nt/dur,x/per=[1,2,3]}},S=[line/17,line/18]},C=2{MF=line/19{M{ST=1{SA{nt/os=62300,nt/or=62300,rtp/pl=0.01,rtp/jit=20,rtp/delay=40,nt/dur,x/per=[1,2,3]}}}},MV=line/18}}""");
    }

    /**
     * Errors at transaction, action and command level, ImmAckRequired, an empty action reply, Pending and
     * TransactionResponseAck in one message.
     */
    @Test
    void errorsPendingAck() {
        assertForms(SampleMessages.errorsPendingAck(),
                """
                MEGACO/2 [192.0.2.20]:2944
                Reply = 10006 {
                    Error = 403 {"Syntax error in transaction"}
                }
                Reply = 10007 {
                    ImmAckRequired,
                    Context = 7 {
                        Error = 411 {}
                    },
                    Context = 8 {
                        Add = line/99 {
                            Error = 430 {"line/99"}
                        },
                        Error = 500 {}
                    },
                    Context = - {
                        ServiceChange = ROOT {
                            Error = 402 {"Unauthorized"}
                        }
                    },
                    Context = 9
                }
                Pending = 10008 {}
                TransactionResponseAck {9998, 10001-10003}
                """,
                """
                !/2 [192.0.2.20]:2944
                P=10006{ER=403{"Syntax error in transaction"}}P=10007{IA,C=7{ER=411{}},C=8{A=line/99{ER=430{"line/99"}},ER=500{}},C=-{SC=ROOT{ER=402{"Unauthorized"}}},C=9}PN=10008{}K{9998,10001-10003}""");
    }

    /** A message-level error. */
    @Test
    void messageError() {
        assertForms(SampleMessages.messageError(),
                """
                MEGACO/1 [192.0.2.20]:2944
                Error = 400 {"Syntax error in message"}
                """,
                """
                !/1 [192.0.2.20]:2944
                ER=400{"Syntax error in message"}""");
    }

    /** v3 segmented replies and Segment confirmations, IPv6 mId, authentication header. */
    @Test
    void segmentsV3() {
        assertForms(SampleMessages.segmentsV3(),
                """
                Authentication = 0x01020304:0x00000001:0x000102030405060708090a0b
                MEGACO/3 [2001:db8::20]:2944
                Reply = 10010/1 {
                    Context = 1 {
                        Notify = line/1
                    }
                }
                Segment = 10011/1
                Segment = 10011/2/END
                Reply = 10010/2/END {
                    Context = 2 {
                        ServiceChange = line/2 {
                            Services {
                                ServiceChangeAddress=[192.0.2.9]
                            }
                        }
                    }
                }
                """,
                """
                AU=0x01020304:0x00000001:0x000102030405060708090a0b !/3 [2001:db8::20]:2944
                P=10010/1{C=1{N=line/1}}SM=10011/1
                SM=10011/2/&
                P=10010/2/&{C=2{SC=line/2{SV{AD=[192.0.2.9]}}}}""");
    }

    /** Device-name and MTP mIds, ServiceChange v2 audit item and v3 ServiceChangeInc, an extension method. */
    @Test
    void serviceChangeOtherMids() {
        assertForms(SampleMessages.serviceChangeOtherMids(),
                """
                MEGACO/1 gw17
                Transaction = 1 {
                    Context = - {
                        ServiceChange = trunk/* {
                            Services {
                                Method=Forced,
                                Reason="905 Termination taken out of service",
                                MgcIdToTry=MTP{0A1B},
                                Media,
                                ServiceChangeInc
                            }
                        },
                        ServiceChange = trunk/1 {
                            Services {
                                Method=X-Quiet,
                                Reason="900 Service Restored",
                                ServiceChangeAddress=mg/17
                            }
                        }
                    }
                }
                """,
                """
                !/1 gw17
                T=1{C=-{SC=trunk/*{SV{MT=FO,RE="905 Termination taken out of service",MG=MTP{0A1B},M,SIC}},SC=trunk/1{SV{MT=X-Quiet,RE="900 Service Restored",AD=mg/17}}}}""");
    }

    /** Parameter values of every shape: =, >, <, #, [all], {one of}, [range]. */
    @Test
    void parmValues() {
        assertForms(SampleMessages.parmValues(),
                """
                MEGACO/1 [192.0.2.1]:2944
                Transaction = 3 {
                    Context = 4 {
                        Modify = line/17 {
                            Media {
                                TerminationState {
                                    a/b=1,
                                    a/gt>2,
                                    a/lt<3,
                                    a/ne#4,
                                    a/all=[5, 6],
                                    a/one={"x y", 7},
                                    a/range=[8:9]
                                }
                            }
                        }
                    }
                }
                """,
                """
                !/1 [192.0.2.1]:2944
                T=3{C=4{MF=line/17{M{TS{a/b=1,a/gt>2,a/lt<3,a/ne#4,a/all=[5,6],a/one={"x y",7},a/range=[8:9]}}}}}""");
    }

    // ---------------------------------------------------------------- SDP

    @Test
    void sdpIsWrittenVerbatimBetweenTheBracesInBothForms() {
        String sdp = "  v=0\r\no=- 1 1 IN IP4 192.0.2.20\r\ns=call \\} with brace\r\nc=IN IP4 192.0.2.20\r\n"
                + "m=audio 5004 RTP/AVP 0\r\n\t";
        Message m = modify(MediaDescriptor.of(new StreamDescriptor(1, List.of(
                new LocalDescriptor(sdp), new RemoteDescriptor("v=0")))));
        for (TextForm form : TextForm.values()) {
            String text = TextCodec.encode(m, form);
            String local = form == TextForm.COMPACT ? "L{" : "Local {";
            String remote = form == TextForm.COMPACT ? "R{" : "Remote {";
            assertTrue(text.contains(local + sdp + "}"), form + ": " + text);
            assertTrue(text.contains(remote + "v=0}"), form + ": " + text);
        }
    }

    @Test
    void anUnescapedBraceANulOrATrailingBackslashInSdpCannotBeEncoded() {
        for (String sdp : List.of("v=0\n}\n", "}", "v=0\n\0", "v=0\n\\")) {
            Message m = modify(MediaDescriptor.of(new LocalDescriptor(sdp)));
            for (TextForm form : TextForm.values()) {
                assertThrows(IllegalArgumentException.class, () -> TextCodec.encode(m, form), sdp);
            }
        }
    }

    @Test
    void anEmptyStatisticsDescriptorCannotBeMade() {
        // the ABNF has none: a bare "Statistics" is an audit item, which the model holds as AuditReturnItem; the
        // model refuses the empty descriptor, so the encoder never meets one
        assertThrows(IllegalArgumentException.class,
                () -> new dev.holdfast.h248.message.StatisticsDescriptor(List.of()));
    }

    @Test
    void aNotifyRequestWithoutObservedEventsCannotBeEncoded() {
        Message m = Message.of(1, MGC, new Transaction.Request(1, List.of(ActionRequest.of(ContextId.of(1),
                new Command.Notify(List.of(tid("a/1")), null, dev.holdfast.h248.message.ErrorDescriptor.of(500, null))))));
        for (TextForm form : TextForm.values()) {
            assertThrows(IllegalArgumentException.class, () -> TextCodec.encode(m, form));
        }
    }

    // ---------------------------------------------------------------- token spellings

    @Test
    void streamModesAreSpelledInBothForms() {
        List<dev.holdfast.h248.message.LocalParm> modes = new ArrayList<>();
        for (LocalControlDescriptor.Mode mode : LocalControlDescriptor.Mode.values()) {
            modes.add(new LocalControlDescriptor.StreamMode(mode));
        }
        Message m = modify(MediaDescriptor.of(new LocalControlDescriptor(modes)));
        assertContains(m, "O{MO=SO,MO=RC,MO=SR,MO=IN,MO=LB}",
                "Mode=SendOnly,\n", "Mode=ReceiveOnly,\n", "Mode=SendReceive,\n", "Mode=Inactive,\n", "Mode=Loopback\n");
    }

    @Test
    void serviceStatesAreSpelledInBothForms() {
        List<dev.holdfast.h248.message.TerminationStateParm> states = new ArrayList<>();
        for (TerminationStateDescriptor.ServiceState s : TerminationStateDescriptor.ServiceState.values()) {
            states.add(new TerminationStateDescriptor.ServiceStates(s));
        }
        Message m = modify(MediaDescriptor.of(new TerminationStateDescriptor(states)));
        assertContains(m, "TS{SI=TE,SI=OS,SI=IV}",
                "ServiceStates=Test,\n", "ServiceStates=OutOfService,\n", "ServiceStates=InService\n");
    }

    @Test
    void serviceChangeMethodsAreSpelledInBothForms() {
        List<ServiceChangeParm> methods = new ArrayList<>();
        for (ServiceChangeParm.MethodKind k : ServiceChangeParm.MethodKind.values()) {
            methods.add(k == ServiceChangeParm.MethodKind.EXTENSION
                    ? new ServiceChangeParm.Method(k, "X+Mine") : ServiceChangeParm.Method.of(k));
        }
        Message m = Message.of(1, MGC, new Transaction.Request(1, List.of(ActionRequest.of(ContextId.NULL,
                new Command.ServiceChange(List.of(TerminationId.ROOT), methods)))));
        assertContains(m, "SV{MT=FL,MT=FO,MT=GR,MT=RS,MT=DC,MT=HO,MT=X+Mine}",
                "Method=Failover,\n", "Method=Forced,\n", "Method=Graceful,\n", "Method=Restart,\n",
                "Method=Disconnected,\n", "Method=HandOff,\n", "Method=X+Mine\n");
    }

    @Test
    void topologyDirectionsAreSpelledInBothForms() {
        List<TopologyDescriptor.Triple> triples = new ArrayList<>();
        for (TopologyDescriptor.Direction d : TopologyDescriptor.Direction.values()) {
            triples.add(new TopologyDescriptor.Triple(tid("a/1"), tid("a/2"), d, null));
        }
        Message m = Message.of(1, MGC, new Transaction.Request(1, List.of(new ActionRequest(ContextId.of(1),
                List.of(new TopologyDescriptor(triples), new ContextProperty.Priority(0)), List.of(),
                List.of()))));
        assertContains(m, "TP{a/1,a/2,BW,a/1,a/2,IS,a/1,a/2,OW,a/1,a/2,OWE,a/1,a/2,OWB},PR=0",
                "a/1, a/2, Bothway,\n", "a/1, a/2, Isolate,\n", "a/1, a/2, Oneway,\n", "a/1, a/2, OnewayExternal,\n",
                "a/1, a/2, OnewayBoth\n");
    }

    @Test
    void signalTypesReasonsAndDirectionsAreSpelledInBothForms() {
        List<SignalParameter> params = new ArrayList<>();
        for (SignalParameter.SignalType t : SignalParameter.SignalType.values()) params.add(new SignalParameter.Type(t));
        params.add(new SignalParameter.NotifyCompletion(List.of(SignalParameter.NotificationReason.values())));
        for (SignalParameter.DirectionKind d : SignalParameter.DirectionKind.values()) {
            params.add(new SignalParameter.Direction(d));
        }
        Message m = modify(SignalsDescriptor.of(new SignalParm.Request("x/y", params)));
        assertContains(m, "SG{x/y{SY=OO,SY=TO,SY=BR,NC={TO,IBE,IBS,OR,IR},SPADI=EX,SPADI=IT,SPADI=B}}",
                "SignalType=OnOff,\n", "SignalType=TimeOut,\n", "SignalType=Brief,\n",
                "NotifyCompletion={TimeOut, IntByEvent, IntBySigDescr, OtherReason, Iteration},\n",
                "SPADirection=External,\n", "SPADirection=Internal,\n", "SPADirection=Both\n");
    }

    @Test
    void prettyFormEndsWithALineBreakAndCompactFormDoesNot() {
        for (Message m : SampleMessages.all()) {
            assertTrue(TextCodec.encode(m, TextForm.PRETTY).endsWith("}\n"), m.toString());
            assertTrue(TextCodec.encode(m, TextForm.COMPACT).endsWith("}"), m.toString());
        }
    }

    @Test
    void prettyFormIndentsByFourSpacesPerOpenBrace() {
        for (Message m : SampleMessages.all()) {
            int depth = 0;
            boolean inSdp = false;
            for (String line : TextCodec.encode(m, TextForm.PRETTY).split("\n")) {
                if (!inSdp) {
                    String content = line.stripLeading();
                    int expected = (content.startsWith("}") ? depth - 1 : depth) * 4;
                    assertEquals(expected, line.length() - content.length(), "indentation of '" + line + "'");
                }
                if (line.endsWith("Local {") || line.endsWith("Remote {")) inSdp = true;
                else if (inSdp && line.startsWith("}")) inSdp = false;
                if (!inSdp) {
                    for (char c : line.toCharArray()) {
                        if (c == '{') depth++;
                        else if (c == '}') depth--;
                    }
                } else if (line.endsWith("{")) {
                    depth++; // the Local/Remote brace itself
                }
            }
        }
    }

    // ---------------------------------------------------------------- coverage of the model

    /** Every record type the model can hold appears in at least one sample, so the tests above cover it. */
    @Test
    void samplesUseEveryRecordOfTheModel() {
        Set<String> model = new TreeSet<>();
        modelRecords(Message.class, model);
        assertTrue(model.size() > 50, "the walk over the model found only " + model);
        Set<String> used = new TreeSet<>();
        for (Message m : SampleMessages.all()) usedRecords(m, used);
        model.removeAll(used);
        assertEquals(Set.of(), model, "model records no sample uses");
    }

    private static void modelRecords(Type type, Set<String> seen) {
        if (type instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) modelRecords(arg, seen);
            return;
        }
        if (!(type instanceof Class<?> c) || !c.getName().startsWith("dev.holdfast.h248.message.")) return;
        if (c.isSealed()) {
            for (Class<?> sub : c.getPermittedSubclasses()) modelRecords(sub, seen);
        }
        if (c.isRecord() && seen.add(c.getName())) {
            for (RecordComponent rc : c.getRecordComponents()) modelRecords(rc.getGenericType(), seen);
        }
    }

    private static void usedRecords(Object o, Set<String> used) {
        if (o instanceof List<?> list) {
            for (Object e : list) usedRecords(e, used);
        } else if (o instanceof Record r) {
            used.add(r.getClass().getName());
            for (RecordComponent rc : r.getClass().getRecordComponents()) {
                try {
                    usedRecords(rc.getAccessor().invoke(r), used);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Message modify(Descriptor... descriptors) {
        return Message.of(1, MGC, new Transaction.Request(1, List.of(ActionRequest.of(ContextId.of(1),
                new Command.Amm(Command.AmmVerb.MODIFY, List.of(tid("a/1")), Arrays.asList(descriptors))))));
    }

    private static void assertContains(Message m, String compact, String... prettyFragments) {
        String c = TextCodec.encode(m, TextForm.COMPACT);
        assertTrue(c.contains(compact), "compact form lacks " + compact + ":\n" + c);
        String p = TextCodec.encode(m, TextForm.PRETTY);
        for (String f : prettyFragments) assertTrue(p.contains(f), "pretty form lacks " + f + ":\n" + p);
    }

    /**
     * The encoder keeps the header line of an mId it writes twice in a row and copies it afterwards: every message
     * must still be written exactly as a fresh encoder (a new thread's) writes it, when the version, the form or the
     * mId changes, with an equal mId that is another object, and with mIds taking turns.
     */
    @Test
    void headerLineIsWrittenAsAFreshEncoderWritesItWhateverCameBefore() throws Exception {
        MId a = new MId.IpAddress("192.0.2.1", false, 2944);
        MId sameAsA = new MId.IpAddress("192.0.2.1", false, 2944);
        MId b = new MId.DomainName("mgc.example.net", null);
        MId c = new MId.DeviceName("gw7/line1");
        Object[][] steps = {
            {a, 1, TextForm.COMPACT}, {a, 1, TextForm.COMPACT}, {a, 1, TextForm.COMPACT}, {a, 2, TextForm.COMPACT},
            {a, 2, TextForm.COMPACT}, {a, 2, TextForm.PRETTY}, {a, 2, TextForm.PRETTY}, {sameAsA, 2, TextForm.PRETTY},
            {b, 1, TextForm.PRETTY}, {a, 1, TextForm.PRETTY}, {b, 1, TextForm.PRETTY}, {b, 1, TextForm.PRETTY},
            {b, 3, TextForm.COMPACT}, {c, 3, TextForm.COMPACT}, {c, 3, TextForm.COMPACT}, {a, 1, TextForm.COMPACT},
        };
        long tid = 1;
        for (Object[] step : steps) {
            Message m = new Message(null, (Integer) step[1], (MId) step[0],
                    new MessageBody.Transactions(List.of(new Transaction.Pending(tid++))));
            TextForm form = (TextForm) step[2];
            String[] fresh = new String[1];
            Thread t = new Thread(() -> fresh[0] = TextCodec.encode(m, form));
            t.start();
            t.join();
            assertEquals(fresh[0], TextCodec.encode(m, form), "step " + (tid - 1));
            assertEquals(fresh[0], new String(TextCodec.encodeToBytes(m, form),
                    java.nio.charset.StandardCharsets.ISO_8859_1), "step " + (tid - 1) + ", octets");
        }
        assertTrue(TextCodec.encode(new Message(null, 3, c, new MessageBody.Transactions(
                List.of(new Transaction.Pending(9)))), TextForm.COMPACT).startsWith("!/3 gw7/line1\n"));
    }
}

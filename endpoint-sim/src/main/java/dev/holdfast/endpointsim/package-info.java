/** SIP phone simulator and SIP load generator: phones whose logic is free of I/O and real time, JAIN-SIP behind an interface. */
package dev.holdfast.endpointsim;

/** ST-TCP: a hot-standby backup that taps the client byte stream, runs a replica, and takes over live TCP connections with TCP_REPAIR. */
package dev.holdfast.tcpha;

/**
 * The controller's admin API (docs/admin-api.md): HTTP/1.1 with JSON on Netty's codec, a live event stream
 * (server-sent events) and Prometheus metrics. It is an edge like the H.248 and SIP ones: it reads core state only
 * through queries that run on the core's thread and change nothing, and changes it only through admin events.
 */
package dev.holdfast.controller.admin;

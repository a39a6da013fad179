/**
 * The admins' console: an SSH admin CLI (Apache MINA SSHD) over the controllers' admin API. It reaches controllers
 * only through that HTTP/JSON API, never through their internals, so it runs as a process of its own anywhere the
 * API is reachable. docs/console.md describes it.
 */
package dev.holdfast.console;

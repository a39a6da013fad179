/** Call processing for analog lines and the call structure (gateways, contexts, terminations, IGCs of a call). */
package dev.holdfast.controller.call;

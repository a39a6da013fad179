/** The controller's H.248 edge: runs the core on its own thread with real time, and connects it to H248Endpoints. */
package dev.holdfast.controller.mgc;

/** Gateways and their lines as the controller knows them, and the association with each gateway (H.248.1 clause 11). */
package dev.holdfast.controller.gateway;

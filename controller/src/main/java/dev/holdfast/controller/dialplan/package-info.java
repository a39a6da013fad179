/** The dial plan: routes for dialled digits and the digit map the gateways collect them with. */
package dev.holdfast.controller.dialplan;

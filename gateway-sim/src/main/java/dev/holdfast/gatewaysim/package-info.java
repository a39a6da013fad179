/** gateway-sim */
package dev.holdfast.gatewaysim;

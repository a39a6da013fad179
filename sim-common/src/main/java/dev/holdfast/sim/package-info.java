/** sim-common */
package dev.holdfast.sim;

/** sim-common */
package dev.holdfast.simcommon;

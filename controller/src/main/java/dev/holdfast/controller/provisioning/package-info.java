/** The provisioning file: what a controller controls, read from JSON or YAML, refused with line and field when wrong. */
package dev.holdfast.controller.provisioning;

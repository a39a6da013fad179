/** controller */
package dev.holdfast.controller;

package dev.holdfast.h248; /** H.248.1 stack. */

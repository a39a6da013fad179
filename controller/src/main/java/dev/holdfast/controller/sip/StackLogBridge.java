package dev.holdfast.controller.sip;

import gov.nist.core.StackLogger;

import java.util.Properties;

/**
 * JAIN-SIP RI's stack logger, writing to {@code System.Logger} (logger {@code gov.nist.javax.sip}) instead of
 * log4j: the project logs through one API. Only warnings and errors are enabled, so the stack does not build
 * debug text for every message. The stack's warnings are mostly start-up chatter (TLS key stores we do not use):
 * they go to DEBUG; its errors to WARNING (what the edge refuses is counted and logged by the edge itself).
 */
public final class StackLogBridge implements StackLogger {
    private static final System.Logger LOG = System.getLogger("gov.nist.javax.sip");

    @Override public void logStackTrace() { }

    @Override public void logStackTrace(int traceLevel) { }

    @Override public int getLineCount() { return 0; }

    @Override public void logException(Throwable ex) { LOG.log(System.Logger.Level.DEBUG, "SIP stack exception", ex); }

    @Override public void logDebug(String message) { LOG.log(System.Logger.Level.DEBUG, message); }

    @Override public void logDebug(String message, Exception ex) { LOG.log(System.Logger.Level.DEBUG, message, ex); }

    @Override public void logTrace(String message) { LOG.log(System.Logger.Level.TRACE, message); }

    @Override public void logFatalError(String message) { LOG.log(System.Logger.Level.ERROR, message); }

    @Override public void logError(String message) { LOG.log(System.Logger.Level.WARNING, message); }

    @Override public boolean isLoggingEnabled() { return true; }

    @Override public boolean isLoggingEnabled(int logLevel) { return logLevel <= TRACE_WARN; }

    @Override public void logError(String message, Exception ex) { LOG.log(System.Logger.Level.WARNING, message, ex); }

    @Override public void logWarning(String message) { LOG.log(System.Logger.Level.DEBUG, message); }

    @Override public void logInfo(String message) { LOG.log(System.Logger.Level.DEBUG, message); }

    @Override public void disableLogging() { }

    @Override public void enableLogging() { }

    @Override public void setBuildTimeStamp(String buildTimeStamp) { }

    @Override public void setStackProperties(Properties stackProperties) { }

    @Override public String getLoggerName() { return "gov.nist.javax.sip"; }
}

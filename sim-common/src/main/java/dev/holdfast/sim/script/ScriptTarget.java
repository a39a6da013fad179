package dev.holdfast.sim.script;

/**
 * What a simulator implements to run scripts: it performs the user actions and checks the expectations of its
 * own kind (a media gateway's lines, a SIP phone's keys). The {@link ScriptRunner} does the sequencing, the
 * waiting and the reporting.
 */
public interface ScriptTarget {
    /**
     * Performs one user action.
     *
     * @throws ScriptException when the verb or target is unknown, or the action is impossible now (dialling
     *                         on-hook, answering a line that is not ringing)
     */
    void perform(Step.Action action) throws ScriptException;

    /**
     * Checks an expectation once, now.
     *
     * @return null when it holds, else what was found instead (for the failure message)
     * @throws ScriptException when the expectation or target is unknown
     */
    String check(Step.Expect expectation) throws ScriptException;
}

package dev.holdfast.console.web;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 7 is built by three branches at once: this one (the console) and two that add admin API endpoints to the
 * controller (provisioning and drills; CDRs and the cluster). A test of a page whose endpoint is not in this
 * build of the controller yet is skipped, saying which; the check is on the controller's code (its route class),
 * not on a live answer, so once the branches are merged a broken endpoint fails the test instead of skipping it.
 * (With all three merged, no test skips here: this guard can then go.)
 */
final class ControllerParts {
    private ControllerParts() {}

    static final String PROVISIONING = "dev.holdfast.controller.admin.ProvisioningRoutes";
    static final String DRILLS = "dev.holdfast.controller.admin.DrillRoutes";
    static final String CDRS = "dev.holdfast.controller.admin.CdrRoutes";

    static void assumeControllerHas(String routeClass, String what) {
        boolean present;
        try {
            Class.forName(routeClass, false, ControllerParts.class.getClassLoader());
            present = true;
        } catch (ClassNotFoundException e) {
            present = false;
        }
        assumeTrue(present, "this build of the controller has no " + what + " (" + routeClass
                + " comes with another branch of issue 7): skipped");
    }
}

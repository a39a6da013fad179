package dev.holdfast.controller.provisioning;

import java.util.List;

/**
 * How dialled digits are routed. Extensions are the directory numbers of the provisioned lines; trunk access
 * codes send the rest of the digits out on a trunk group.
 *
 * @param digitMap          the digit map to load on gateways, or null to derive it from the numbers and codes
 * @param trunkAccessCodes  access codes, e.g. {@code 9} followed by an outside number on trunk group {@code pstn}
 * @param invalidNumber     what a caller hears after dialling a number that goes nowhere
 */
public record DialPlanConfig(String digitMap, List<TrunkAccessCode> trunkAccessCodes, InvalidNumber invalidNumber) {
    public static final DialPlanConfig DEFAULTS = new DialPlanConfig(null, null, null);

    public DialPlanConfig {
        trunkAccessCodes = trunkAccessCodes == null ? List.of() : List.copyOf(trunkAccessCodes);
        if (invalidNumber == null) invalidNumber = InvalidNumber.REORDER;
    }

    /**
     * @param code    the digits that select the trunk group
     * @param group   the trunk group
     * @param digits  the digit-map pattern of what follows the code (default {@code xxxxxxx}, seven digits)
     */
    public record TrunkAccessCode(String code, String group, String digits) {
        public TrunkAccessCode {
            if (digits == null) digits = "xxxxxxx";
        }
    }

    public enum Treatment { REORDER, ANNOUNCEMENT }

    /**
     * @param treatment    {@code reorder}: the reorder (congestion) tone {@code cg/ct}; {@code announcement}: play
     *                     {@code an/apf} with the announcement id
     * @param announcement the announcement id for {@code an/apf{an=ID}}
     */
    public record InvalidNumber(Treatment treatment, String announcement) {
        public static final InvalidNumber REORDER = new InvalidNumber(Treatment.REORDER, null);

        public InvalidNumber {
            if (treatment == null) treatment = Treatment.REORDER;
        }
    }
}

package dev.holdfast.h248.message;

import java.util.List;

/** {@code Statistics { pkgdName [= VALUE / [VALUE *(, VALUE)]] *(, ...) }}. */
public record StatisticsDescriptor(List<Statistic> statistics) implements Descriptor, StreamParm {
    public StatisticsDescriptor { statistics = Checks.nonEmpty(statistics, "a Statistics descriptor"); }

    /** @param value null when only the name is given (an audit); else Single(EQUAL) or AllOf (v2 list) */
    public record Statistic(String name, ParmValue value) {}
}

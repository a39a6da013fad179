package dev.holdfast.h248.text;

import dev.holdfast.h248.message.Message;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.RandomGenerator;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The message generators reach every variant of the message model: each record class and each enum constant
 * reachable from {@link Message} (computed by reflection over the sealed hierarchy, so a variant added to the
 * model later fails this test until the generators produce it) occurs in a sample of generated messages.
 */
class MessageArbitrariesCoverageTest {

    private static final int SAMPLES = 500;

    @Example
    void generatorsReachEveryModelVariant() {
        Set<String> expected = reachableVariants(Message.class);
        Set<String> seen = new HashSet<>();
        Arbitrary<Message> messages = MessageArbitraries.messages();
        // a fixed seed: the sample, and so this test, is the same on every run
        RandomGenerator<Message> generator = messages.generator(1000);
        Random random = new Random(3525);
        for (int i = 0; i < SAMPLES; i++) visit(generator.next(random).value(), seen);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(seen);
        assertEquals(Set.of(), missing, "model variants the generators never produced");
    }

    /** Record classes and enum constants reachable from {@code root} through record components. */
    static Set<String> reachableVariants(Class<?> root) {
        Set<String> out = new TreeSet<>();
        Set<Class<?>> done = new HashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (!done.add(c) || !c.getPackageName().startsWith("dev.holdfast.h248.message")) continue;
            if (c.isEnum()) {
                for (Object k : c.getEnumConstants()) out.add(c.getName() + "." + k);
            } else if (c.isSealed()) {
                todo.addAll(List.of(c.getPermittedSubclasses()));
            } else if (c.isRecord()) {
                out.add(c.getName());
                for (RecordComponent rc : c.getRecordComponents()) todo.addAll(classesOf(rc.getGenericType()));
            }
        }
        return out;
    }

    private static List<Class<?>> classesOf(Type t) {
        if (t instanceof Class<?> c) return List.of(c);
        if (t instanceof ParameterizedType p) {
            return java.util.Arrays.stream(p.getActualTypeArguments())
                    .flatMap(a -> classesOf(a).stream()).collect(Collectors.toList());
        }
        return List.of();
    }

    static void visit(Object o, Set<String> seen) {
        if (o == null) return;
        if (o instanceof List<?> l) {
            for (Object e : l) visit(e, seen);
            return;
        }
        Class<?> c = o.getClass();
        if (c.isEnum()) {
            seen.add(c.getName() + "." + o);
            return;
        }
        if (!c.isRecord()) return;
        seen.add(c.getName());
        for (RecordComponent rc : c.getRecordComponents()) {
            try {
                visit(rc.getAccessor().invoke(o), seen);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }
}

package dev.holdfast.controller.sip;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;

import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue between the SIP socket and the stack's parsing threads ({@link UdpReceiver}). The RI's threads take
 * datagrams off one shared queue and parse and process them in parallel, so two datagrams of one call from one
 * peer, sent back to back, could be processed in the opposite order: a 180 after the 200 (the caller then never
 * heard ringing: SipB2buaTest failed so, 1 run in 10), an ACK after the BYE. Here a datagram is handed out only when
 * no parsing thread is busy with one from the same source and Call-ID; different calls still go in parallel. A
 * parsing thread is done with its datagram when it comes back for the next one (the RI's loop: take, process, take).
 * As the RI's queue under its congestion control ({@code CONGESTION_CONTROL_TIMEOUT}), a datagram that waited longer
 * than that is dropped unprocessed (its sender retransmits, or has given up).
 * <p>
 * With a {@link Socket} the parsing threads receive the datagrams themselves: a thread with nothing waiting for it
 * reads the socket (one thread at a time), and processes what it read unless another thread is busy with that call
 * (then the datagram waits here for that thread, which takes it when it comes back). No receive thread, and no
 * hand-off from it to a parsing thread: a datagram is read and processed on one thread (docs/sip.md "Figures",
 * session 12). A thread stuck in the stack (a transaction's lock held by the listener) holds up only its own call's
 * datagrams: the other threads go on reading.
 */
final class CallOrderedDatagrams extends AbstractQueue<DatagramQueuedMessageDispatch>
        implements BlockingQueue<DatagramQueuedMessageDispatch> {
    private record Waiting(DatagramQueuedMessageDispatch dispatch, String call) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** The calls a parsing thread is busy with, and which thread has which. */
    private final Set<String> busy = new HashSet<>();
    private final Map<Thread, String> taken = new HashMap<>();
    private final long staleAfterMillis;
    private long dropped;
    /** Where the parsing threads read datagrams themselves; null: {@link #offer} brings them. */
    private final Socket socket;
    /** Held by the one parsing thread reading the socket (with {@link #lock} inside it, never the other way). */
    private final ReentrantLock reading = new ReentrantLock();

    /** The SIP socket as the parsing threads read it ({@link UdpReceiver}). */
    interface Socket {
        /**
         * The next datagram, in an array of its own, blocking until one comes; {@link InterruptedException} when the
         * socket is closed (the stack stops: the RI's parsing loop then ends).
         */
        DatagramPacket receive() throws InterruptedException;
    }

    /** {@code staleAfterMillis}: a datagram that waited longer is dropped; 0: none is. */
    CallOrderedDatagrams(long staleAfterMillis) { this(staleAfterMillis, null); }

    /** Datagrams read from {@code socket} by the threads that take them; {@code staleAfterMillis} as above. */
    CallOrderedDatagrams(long staleAfterMillis, Socket socket) {
        this.staleAfterMillis = staleAfterMillis;
        this.socket = socket;
    }

    /** Datagrams dropped for waiting too long. */
    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    @Override public boolean offer(DatagramQueuedMessageDispatch d) {
        Waiting w = new Waiting(d, callOf(d.packet));
        lock.lock();
        try {
            waiting.addLast(w);
            // one parsing thread is enough: if its call is busy, the thread busy with it takes it next (it looks for
            // the next datagram itself, and wakes the others when it frees a call); waking all four for every
            // datagram cost the receive path more than it parsed (a 2-core machine)
            arrived.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override public void put(DatagramQueuedMessageDispatch d) { offer(d); }

    @Override public boolean offer(DatagramQueuedMessageDispatch d, long timeout, TimeUnit unit) { return offer(d); }

    @Override public DatagramQueuedMessageDispatch take() throws InterruptedException {
        if (socket != null) return takeReading();
        lock.lock();
        try {
            doneWithLast();
            for (DatagramQueuedMessageDispatch d; ; arrived.await()) {
                if ((d = next()) != null) return d;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #take} when the parsing threads read the socket: a datagram left waiting for this thread's call (or any
     * call now free), else the socket's next one that no other thread's call claims.
     */
    private DatagramQueuedMessageDispatch takeReading() throws InterruptedException {
        lock.lock();
        try {
            doneWithLast();
            DatagramQueuedMessageDispatch d = next();
            if (d != null) return d;
        } finally {
            lock.unlock();
        }
        reading.lockInterruptibly();
        try {
            while (true) {
                // what came meanwhile for a call this thread could take: a thread freed its call while we waited
                lock.lock();
                try {
                    DatagramQueuedMessageDispatch d = next();
                    if (d != null) return d;
                } finally {
                    lock.unlock();
                }
                DatagramPacket p = socket.receive();
                Waiting w = new Waiting(new DatagramQueuedMessageDispatch(p, System.currentTimeMillis()), callOf(p));
                // its call is claimed while this thread still reads alone: the next datagram, read by whichever
                // thread, finds the call busy and waits behind it (a call's datagrams keep their order)
                lock.lock();
                try {
                    if (busy.add(w.call())) {
                        taken.put(Thread.currentThread(), w.call());
                        return w.dispatch();
                    }
                    waiting.addLast(w);
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            reading.unlock();
        }
    }

    @Override public DatagramQueuedMessageDispatch poll(long timeout, TimeUnit unit) throws InterruptedException {
        // reading the socket has no time limit (the RI polls only with its thread auditor, which the edge leaves off)
        if (socket != null) return takeReading();
        long left = unit.toNanos(timeout);
        lock.lock();
        try {
            doneWithLast();
            for (DatagramQueuedMessageDispatch d; ; left = arrived.awaitNanos(left)) {
                if ((d = next()) != null) return d;
                if (left <= 0) return null;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override public DatagramQueuedMessageDispatch poll() {
        lock.lock();
        try {
            doneWithLast();
            return next();
        } finally {
            lock.unlock();
        }
    }

    /** The calling thread has processed the datagram it took last: its call is free for the others. */
    private void doneWithLast() {
        String call = taken.remove(Thread.currentThread());
        if (call != null && busy.remove(call) && !waiting.isEmpty()) arrived.signalAll();
    }

    /** The oldest datagram of a call nobody is busy with (a call's datagrams keep their order), taken; or null. */
    private DatagramQueuedMessageDispatch next() {
        long staleBefore = staleAfterMillis > 0 ? System.currentTimeMillis() - staleAfterMillis : Long.MIN_VALUE;
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (w.dispatch().getReceptionTime() < staleBefore) {
                it.remove();
                dropped++;
                continue;
            }
            if (busy.add(w.call())) {
                it.remove();
                taken.put(Thread.currentThread(), w.call());
                return w.dispatch();
            }
        }
        return null;
    }

    @Override public DatagramQueuedMessageDispatch peek() {
        lock.lock();
        try {
            Waiting w = waiting.peekFirst();
            return w == null ? null : w.dispatch();
        } finally {
            lock.unlock();
        }
    }

    @Override public int size() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    @Override public Iterator<DatagramQueuedMessageDispatch> iterator() {
        lock.lock();
        try {
            return waiting.stream().map(Waiting::dispatch).toList().iterator();
        } finally {
            lock.unlock();
        }
    }

    @Override public int remainingCapacity() { return Integer.MAX_VALUE; }

    @Override public int drainTo(Collection<? super DatagramQueuedMessageDispatch> c) { return drainTo(c, Integer.MAX_VALUE); }

    @Override public int drainTo(Collection<? super DatagramQueuedMessageDispatch> c, int max) {
        lock.lock();
        try {
            ArrayList<DatagramQueuedMessageDispatch> out = new ArrayList<>();
            while (out.size() < max && !waiting.isEmpty()) out.add(waiting.pollFirst().dispatch());
            c.addAll(out);
            return out.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Which call a datagram belongs to: its source and its Call-ID ({@code Call-ID:} or compact {@code i:}), read off
     * the octets without parsing the message; a datagram without one is its source's alone.
     */
    static String callOf(DatagramPacket p) {
        String source = p.getAddress().getHostAddress() + ":" + p.getPort();
        byte[] b = p.getData();
        int end = p.getOffset() + p.getLength();
        int line = p.getOffset();
        while (line < end) {
            int eol = line;
            while (eol < end && b[eol] != '\n') eol++;
            int stop = eol > line && b[eol - 1] == '\r' ? eol - 1 : eol;
            if (stop == line) break; // the empty line: the headers are over
            int colon = line;
            while (colon < stop && b[colon] != ':') colon++;
            int nameEnd = colon;
            while (nameEnd > line && (b[nameEnd - 1] == ' ' || b[nameEnd - 1] == '\t')) nameEnd--;
            if (colon < stop && (named(b, line, nameEnd, "call-id") || named(b, line, nameEnd, "i"))) {
                int v = colon + 1;
                while (v < stop && (b[v] == ' ' || b[v] == '\t')) v++;
                int ve = stop;
                while (ve > v && (b[ve - 1] == ' ' || b[ve - 1] == '\t')) ve--;
                return source + " " + new String(b, v, ve - v, StandardCharsets.ISO_8859_1);
            }
            line = eol + 1;
        }
        return source;
    }

    private static boolean named(byte[] b, int from, int to, String name) {
        if (to - from != name.length()) return false;
        for (int i = 0; i < name.length(); i++) {
            if (Character.toLowerCase((char) (b[from + i] & 0xff)) != name.charAt(i)) return false;
        }
        return true;
    }
}

package dev.holdfast.tcpha.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** The few libc socket calls ST-TCP needs that Java's socket API does not offer (TCP_REPAIR, AF_PACKET). */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_INET = 2, AF_PACKET = 17;
    int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int IPPROTO_TCP = 6;
    int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_REUSEPORT = 15, SO_RCVTIMEO = 20, SO_SNDBUF = 7, SO_RCVBUF = 8;
    int SOL_IP = 0, IP_FREEBIND = 15;
    int SOL_PACKET = 263, PACKET_ADD_MEMBERSHIP = 1, PACKET_MR_PROMISC = 1;
    int SHUT_WR = 1;
    int POLLIN = 1;
    int MSG_DONTWAIT = 0x40;
    int EINTR = 4, EAGAIN = 11, EINPROGRESS = 115;

    int socket(int domain, int type, int protocol) throws LastErrorException;
    int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;
    int getsockopt(int fd, int level, int name, byte[] value, int[] len) throws LastErrorException;
    int bind(int fd, byte[] addr, int len) throws LastErrorException;
    int connect(int fd, byte[] addr, int len) throws LastErrorException;
    int listen(int fd, int backlog) throws LastErrorException;
    int accept(int fd, byte[] addr, int[] len) throws LastErrorException;
    int getsockname(int fd, byte[] addr, int[] len) throws LastErrorException;
    int getpeername(int fd, byte[] addr, int[] len) throws LastErrorException;
    long read(int fd, byte[] buf, long count) throws LastErrorException;
    long write(int fd, byte[] buf, long count) throws LastErrorException;
    long send(int fd, byte[] buf, long count, int flags) throws LastErrorException;
    long recv(int fd, byte[] buf, long count, int flags) throws LastErrorException;
    long recvfrom(int fd, byte[] buf, long count, int flags, byte[] from, int[] fromLen) throws LastErrorException;
    /**
     * The same into a direct buffer: JNA passes its address, where a byte[] is copied to native memory and back
     * whole on every call (70 KB each way for the tap's frame buffer, per frame).
     */
    long recvfrom(int fd, java.nio.ByteBuffer directBuf, long count, int flags, byte[] from, int[] fromLen) throws LastErrorException;
    long sendto(int fd, byte[] buf, long count, int flags, byte[] to, int toLen) throws LastErrorException;
    int shutdown(int fd, int how) throws LastErrorException;
    int close(int fd) throws LastErrorException;
    int ioctl(int fd, long request, int[] arg) throws LastErrorException;
    int if_nametoindex(String name);
    int gettid();
    int sched_setscheduler(int pid, int policy, int[] param) throws LastErrorException;
    int poll(byte[] fds, long nfds, int timeoutMs) throws LastErrorException;
    int eventfd(int initval, int flags) throws LastErrorException;
    int EFD_NONBLOCK = 0x800, EFD_CLOEXEC = 0x80000;
    int epoll_create1(int flags) throws LastErrorException;
    int epoll_ctl(int epfd, int op, int fd, byte[] event) throws LastErrorException;
    int epoll_wait(int epfd, byte[] events, int maxEvents, int timeoutMs) throws LastErrorException;
    /** ts: {tv_sec, tv_nsec} (struct timespec on 64-bit Linux). */
    int clock_gettime(int clockId, long[] ts) throws LastErrorException;
    int CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
}

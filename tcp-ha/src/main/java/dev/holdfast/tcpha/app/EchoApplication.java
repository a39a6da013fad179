package dev.holdfast.tcpha.app;

/** The thesis's Echo application: every input byte is written back. */
public final class EchoApplication implements StreamApplication {
    @Override
    public Session open() {
        return (buf, off, len, out) -> out.write(buf, off, len);
    }
}

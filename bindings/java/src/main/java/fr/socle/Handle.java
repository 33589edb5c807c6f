package fr.socle;

import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.util.function.Consumer;

/**
 * A native handle: released by close() (try-with-resources), or by a Cleaner when the object
 * becomes unreachable without having been closed (a safety net, not a substitute).
 */
abstract class Handle implements AutoCloseable {
    private final Pointer pointer;
    private final Socle.Release release;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    Handle(Pointer pointer, Consumer<Pointer> free) {
        this.pointer = pointer;
        this.release = new Socle.Release(pointer, free);
        this.cleanable = Socle.CLEANER.register(this, release);
    }

    Pointer pointer() {
        if (closed) {
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
        return pointer;
    }

    @Override
    public void close() {
        closed = true;
        cleanable.clean();
    }
}

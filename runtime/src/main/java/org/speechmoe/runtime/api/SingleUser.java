package org.speechmoe.runtime.api;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The guard of an object that one thread at a time may use (a recognizer, a stream): it refuses a second thread, and
 * use after the object or its model was closed.
 */
final class SingleUser {
    private final String what;
    /** The thread inside a call, or null. */
    private final AtomicReference<Thread> user = new AtomicReference<>();

    /** @param what what the guarded object is called in messages ("recognizer", "stream") */
    SingleUser(String what) {
        this.what = what;
    }

    /**
     * Takes the object for this thread's call, or refuses.
     *
     * @throws IllegalStateException when another thread is inside, the object is closed, or its model is
     */
    void enter(boolean closed, SpeechMoeModel model) {
        Thread me = Thread.currentThread();
        if (!user.compareAndSet(null, me)) {
            Thread other = user.get();
            throw new IllegalStateException("this " + what + " is in use by thread '" + (other == null ? "?"
                    : other.getName()) + "': a " + what + " may be used by one thread at a time (make one per thread)");
        }
        if (closed || model.isClosed()) {
            user.set(null);
            if (closed) {
                throw new IllegalStateException("this " + what + " is closed");
            }
            model.requireOpen();
        }
    }

    /** Ends the call {@link #enter} began. */
    void exit() {
        user.set(null);
    }
}

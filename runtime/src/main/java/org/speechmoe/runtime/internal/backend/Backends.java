package org.speechmoe.runtime.internal.backend;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.speechmoe.runtime.spi.BackendUnavailableException;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.spi.ExpertOffloadProvider;

/**
 * Picks a {@link Backend}. {@code VectorBackend} needs the {@code jdk.incubator.vector} module, which the JVM only
 * resolves with {@code --add-modules jdk.incubator.vector}; without it the scalar backend runs (slower, same results).
 * {@code VectorBackend} is only ever loaded reflectively, after the module was found, so a JVM without the flag never
 * sees a {@link NoClassDefFoundError}.
 */
public final class Backends {
    /** System property forcing a backend by name: {@code -Dspeechmoe.backend=scalar|vector}. */
    public static final String PROPERTY = "speechmoe.backend";
    /** The JVM option that makes the vector backend available. */
    public static final String JVM_FLAG = "--add-modules jdk.incubator.vector";

    private static final String VECTOR_CLASS = "org.speechmoe.runtime.internal.backend.vector.VectorBackend";
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    private Backends() {
    }

    /** Whether {@code jdk.incubator.vector} is in the boot layer, so that {@code VectorBackend} can run. */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * The backend named by {@code -Dspeechmoe.backend} if set, else the vector backend when its module is present,
     * else the scalar backend after a one-time warning through System.Logger naming the missing JVM flag.
     *
     * @param threads threads per operation for the vector backend (at least 1)
     */
    public static Backend best(int threads) {
        String forced = System.getProperty(PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return named(forced.strip(), threads);
        }
        if (vectorAvailable()) {
            return vector(threads);
        }
        if (WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "the jdk.incubator.vector module is not enabled, running on the "
                    + "slower scalar backend; add the JVM flag " + JVM_FLAG + " for the vector backend");
        }
        return new ScalarBackend();
    }

    /**
     * The backend called {@code name}: {@code scalar} or {@code vector} (case-insensitive).
     *
     * @throws IllegalArgumentException for another name
     * @throws BackendUnavailableException for {@code vector} when the JVM runs without {@value #JVM_FLAG}
     */
    public static Backend named(String name, int threads) {
        requireThreads(threads);
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "scalar" -> new ScalarBackend();
            case "vector" -> {
                if (!vectorAvailable()) {
                    throw new BackendUnavailableException("the vector backend needs the JVM flag " + JVM_FLAG);
                }
                yield vector(threads);
            }
            default -> throw new IllegalArgumentException("unknown backend '" + name + "': expected scalar or vector");
        };
    }

    /**
     * Opens the expert offload registered for {@code device} (e.g. {@code gpu}) through {@link ServiceLoader}.
     *
     * @throws BackendUnavailableException when no module provides that device, or the provider cannot start it (one
     *                                     line saying what is missing and how to get it)
     */
    public static ExpertOffload offload(String device) {
        for (ExpertOffloadProvider provider : ServiceLoader.load(ExpertOffloadProvider.class,
                Backends.class.getClassLoader())) {
            if (provider.device().equalsIgnoreCase(device)) {
                return provider.open();
            }
        }
        throw new BackendUnavailableException("no '" + device + "' device: the speechmoe-tornado module is not on the "
                + "class path (it is built with mvn -Ptornado and runs on a TornadoVM 5.2 SDK named by TORNADOVM_HOME; "
                + "README: GPU offload)");
    }

    /**
     * The one check of a thread count, wherever one enters the runtime (options, backends).
     *
     * @throws IllegalArgumentException when {@code threads} is below 1
     */
    public static int requireThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return threads;
    }

    private static Backend vector(int threads) {
        try {
            return (Backend) Class.forName(VECTOR_CLASS).getConstructor(int.class).newInstance(threads);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("cannot start the vector backend", e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load the vector backend", e);
        }
    }
}

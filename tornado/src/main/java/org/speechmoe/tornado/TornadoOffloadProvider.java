package org.speechmoe.tornado;

import org.speechmoe.runtime.spi.BackendUnavailableException;
import org.speechmoe.runtime.spi.ExpertOffload;
import org.speechmoe.runtime.spi.ExpertOffloadProvider;

/**
 * The {@code gpu} device: the routed experts on TornadoVM's default device. This class touches no TornadoVM type
 * until TornadoVM is known to be on the JVM, so a missing SDK becomes a message, not a {@link NoClassDefFoundError}.
 */
public final class TornadoOffloadProvider implements ExpertOffloadProvider {
    /** TornadoVM's switch for running a kernel that fails to compile as plain Java instead; we never allow that. */
    static final String BAILOUT_PROPERTY = "tornado.recover.bailout";
    static final String HOW_TO_RUN = "set TORNADOVM_HOME to a TornadoVM 5.2 SDK and start the JVM with its tornado-argfile "
            + "(README: GPU offload)";

    @Override
    public String device() {
        return "gpu";
    }

    @Override
    public ExpertOffload open() {
        if (!tornadoPresent()) {
            throw new BackendUnavailableException("the gpu device needs TornadoVM, which this JVM does not have: "
                    + HOW_TO_RUN);
        }
        // A kernel that does not build must fail loudly, not run as slow Java on the CPU behind the user's back.
        String bailout = System.getProperty(BAILOUT_PROPERTY);
        if (bailout == null) {
            System.setProperty(BAILOUT_PROPERTY, "False");
        } else if (!bailout.equalsIgnoreCase("false")) {
            throw new BackendUnavailableException("the gpu device refuses -D" + BAILOUT_PROPERTY + "=" + bailout
                    + ": with it a kernel that fails to build runs silently on the CPU; remove the option");
        }
        return new TornadoExpertOffload(TornadoDevices.describeDefault());
    }

    /** Whether TornadoVM's API and runtime are on this JVM (its launcher flags put them there). */
    static boolean tornadoPresent() {
        ClassLoader loader = TornadoOffloadProvider.class.getClassLoader();
        try {
            Class.forName("uk.ac.manchester.tornado.api.TornadoExecutionPlan", false, loader);
            Class.forName("uk.ac.manchester.tornado.runtime.TornadoCoreRuntime", false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}

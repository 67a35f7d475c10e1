package org.speechmoe.converter;

import java.io.IOException;

/** A conversion that cannot proceed; the message says which input is wrong and how, fit to show a user as it is. */
public final class ConversionException extends IOException {
    public ConversionException(String message) {
        super(message);
    }
}

package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void controlCharactersBecomeEscapes() {
        assertEquals("type '\\x1b[2J', then \\x00\\x07\\x7f\\x9b and \\x0a\\x0d\\x09",
                Printable.of("type '\u001b[2J', then \0\u0007\u007f\u009b and \n\r\t"));
        assertEquals("evil\\u202etxt.wav \\u2028 \\ud800", Printable.of("evil\u202etxt.wav \u2028 \ud800"));
    }

    @Test
    void printableTextIsLeftAlone() {
        String s = "C:\\dir\\Grüße — 日本語 😀.wav";
        assertSame(s, Printable.of(s));
        assertNull(Printable.of(null));
    }

    @Test
    void cliMessagesEscapeFileSuppliedText() {
        assertEquals("speechmoe: bad header '\\x1b]0;x\\x07'",
                SpeechMoeCli.message(SpeechMoeCli.describe(new IOException("bad header '\u001b]0;x\u0007'"))));
    }
}

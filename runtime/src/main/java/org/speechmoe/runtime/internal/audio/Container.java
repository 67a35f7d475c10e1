package org.speechmoe.runtime.internal.audio;

import java.nio.charset.StandardCharsets;

/**
 * What an input holds, told from its first bytes (never from its name). {@link #readable} containers are decoded;
 * the others are named in refusals, so the user knows what they gave us.
 */
enum Container {
    WAV("WAV", true, null),
    FLAC("FLAC", true, "org.jflac."),
    MP3("MP3", true, "javazoom.spi.mpeg."),
    OGG_VORBIS("Ogg Vorbis", true, "javazoom.spi.vorbis."),
    AIFF("AIFF", true, null),
    AU("Sun AU", true, null),
    OGG_OPUS("Ogg Opus", false, null),
    OGG("Ogg", false, null),
    AAC("AAC", false, null),
    MP4("MP4/M4A", false, null),
    AMR("AMR", false, null),
    CAF("CAF", false, null),
    MATROSKA("WebM/Matroska", false, null),
    OTHER_RIFF(null, false, null),
    UNKNOWN(null, false, null);

    /** How many bytes {@link #sniff} looks at, at most: an Ogg page header with 255 segments and the first packet. */
    static final int HEAD_BYTES = 27 + 255 + 8;

    /** The name a message gives it; null when there is none. */
    final String label;
    final boolean readable;
    /**
     * The package of the Java Sound provider that decodes it when the JDK does not (null: the JDK reads it), to tell
     * "no decoder installed" from "damaged".
     */
    final String decoderPackage;

    Container(String label, boolean readable, String decoderPackage) {
        this.label = label;
        this.readable = readable;
        this.decoderPackage = decoderPackage;
    }

    static Container sniff(byte[] h) {
        String start = ascii(h, 0);
        if (start.startsWith("ID3")) {
            return MP3;
        }
        if (h.length >= 2 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xE0) == 0xE0) {
            // An MPEG frame sync; layer bits 00 mark an ADTS (AAC) stream.
            return (h[1] & 0x06) == 0 ? AAC : MP3;
        }
        if (ascii(h, 4).equals("ftyp")) {
            return MP4;
        }
        return switch (start) {
            case "RIFF", "RF64", "BW64" -> ascii(h, 8).equals("WAVE") ? WAV : OTHER_RIFF;
            case "fLaC" -> FLAC;
            case "OggS" -> ogg(h);
            case "FORM" -> AIFF;
            case "#!AM" -> AMR;
            case "caff" -> CAF;
            case ".snd" -> AU;
            case "\u001aE\u00df\u00a3" -> MATROSKA;
            default -> UNKNOWN;
        };
    }

    /** The first packet of the first page says which codec an Ogg stream carries. */
    private static Container ogg(byte[] h) {
        if (h.length < 27) {
            return OGG;
        }
        int packet = 27 + (h[26] & 0xFF);
        if (ascii(h, packet).equals("Opus") && ascii(h, packet + 4).equals("Head")) {
            return OGG_OPUS;
        }
        return h.length > packet && h[packet] == 1 && ascii(h, packet + 1).equals("vorb") ? OGG_VORBIS : OGG;
    }

    static String ascii(byte[] b, int off) {
        return b.length < off + 4 ? "" : new String(b, off, 4, StandardCharsets.ISO_8859_1);
    }
}

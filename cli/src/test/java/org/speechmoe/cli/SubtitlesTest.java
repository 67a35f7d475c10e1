package org.speechmoe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** SubRip and WebVTT text from cues. */
class SubtitlesTest {
    private static final List<Cues.Cue> CUES = List.of(new Cues.Cue(0.0424, 1.5, List.of("hello there")),
            new Cues.Cue(3723.4566, 3725.0, List.of("a <unk> & more", "second line")));

    @Test
    void timestamps() {
        assertEquals("00:00:00,000", Subtitles.timestamp(0, ','));
        assertEquals("01:02:03,457", Subtitles.timestamp(3723.4566, ','));
        assertEquals("01:02:03.457", Subtitles.timestamp(3723.4566, '.'));
        assertEquals("00:00:01,000", Subtitles.timestamp(0.9996, ','));
        assertEquals("00:01:00,000", Subtitles.timestamp(59.9999, ','));
        assertEquals("123:00:00,001", Subtitles.timestamp(123 * 3600 + 0.001, ','));
        assertEquals("00:00:00,000", Subtitles.timestamp(-1, ','));
    }

    @Test
    void srt() {
        assertEquals("""
                1
                00:00:00,042 --> 00:00:01,500
                hello there

                2
                01:02:03,457 --> 01:02:05,000
                a <unk> & more
                second line

                """, Subtitles.srt(CUES));
        assertEquals("", Subtitles.srt(List.of()));
    }

    @Test
    void vtt() {
        assertEquals("""
                WEBVTT

                1
                00:00:00.042 --> 00:00:01.500
                hello there

                2
                01:02:03.457 --> 01:02:05.000
                a &lt;unk&gt; &amp; more
                second line
                """, Subtitles.vtt(CUES));
        assertEquals("WEBVTT\n", Subtitles.vtt(List.of()));
    }
}

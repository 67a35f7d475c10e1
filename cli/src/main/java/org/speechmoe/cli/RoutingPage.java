package org.speechmoe.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * {@code routing --format html}: the routing report as one self-contained HTML page, its plots inline SVG drawn
 * here (nothing to fetch, no script): per MoE layer over all files, the frames each expert took (dead experts
 * outlined in red, overloaded ones in orange) and the gate histogram; per file, the route of every frame in every
 * layer as a strip of expert colours.
 */
final class RoutingPage {
    /** One file's part of the page. */
    record FileRouting(String name, int frames, int[] routes, List<LayerRouting> layers) {
    }

    private static final int CHART_WIDTH = 320;
    private static final int CHART_HEIGHT = 140;
    private static final int STRIP_WIDTH = 960;
    private static final int STRIP_ROW = 14;

    private RoutingPage() {
    }

    static String html(String model, List<FileRouting> files, long frames, List<LayerRouting> totals) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>speechmoe routing: ")
                .append(escape(model)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222}\n")
                .append(".layer{display:inline-block;vertical-align:top;margin:0 2em 2em 0}\n")
                .append("table{border-collapse:collapse}td,th{padding:1px 8px;text-align:right}\n")
                .append("th{text-align:left;font-weight:normal;color:#555}\n</style>\n</head>\n<body>\n");
        h.append("<h1>Routing of ").append(escape(model)).append("</h1>\n<p>")
                .append(files.size()).append(files.size() == 1 ? " file, " : " files, ").append(frames)
                .append(" frames of 40 ms.</p>\n<h2>All files</h2>\n");
        for (LayerRouting l : totals) {
            layer(h, l);
        }
        h.append("<h2>Routes, frame by frame</h2>\n");
        int experts = totals.isEmpty() ? 0 : totals.getFirst().experts();
        legend(h, experts);
        for (FileRouting f : files) {
            h.append("<h3>").append(escape(f.name())).append("</h3>\n");
            strip(h, f, experts);
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private static void layer(StringBuilder h, LayerRouting l) {
        h.append("<div class=\"layer\">\n<h3>Layer ").append(l.layer()).append("</h3>\n");
        long[] counts = l.framesPerExpert();
        String[] colours = new String[counts.length];
        String[] outlines = new String[counts.length];
        for (int e = 0; e < counts.length; e++) {
            colours[e] = colour(e, counts.length);
            outlines[e] = l.dead().contains(e) ? "#d00" : l.overloaded().contains(e) ? "#f80" : "none";
        }
        h.append("<p>Frames per expert</p>\n");
        bars(h, "experts", l.layer(), counts, colours, outlines, i -> "expert " + i);
        long[] gates = l.gateHistogram();
        String[] grey = new String[gates.length];
        String[] none = new String[gates.length];
        Arrays.fill(grey, "#789");
        Arrays.fill(none, "none");
        double lowest = 1.0 / l.experts();
        h.append(String.format(Locale.ROOT, "<p>Gates, from 1/%d to 1</p>%n", l.experts()));
        bars(h, "gates", l.layer(), gates, grey, none, i -> String.format(Locale.ROOT, "gate %.3f to %.3f",
                lowest + (1 - lowest) * i / gates.length, lowest + (1 - lowest) * (i + 1) / gates.length));
        h.append(String.format(Locale.ROOT, "<table>%n<tr><th>usage entropy</th><td>%.2f of %.2f bits</td></tr>%n"
                        + "<tr><th>balance</th><td>%.3f</td></tr>%n<tr><th>mean gate</th><td>%.3f</td></tr>%n"
                        + "<tr><th>switch rate</th><td>%.3f</td></tr>%n<tr><th>dead experts</th><td>%s</td></tr>%n"
                        + "<tr><th>overloaded experts</th><td>%s</td></tr>%n</table>%n</div>%n", l.entropy(),
                Math.log(l.experts()) / Math.log(2), l.balance(), l.meanGate(), l.switchRate(), list(l.dead()),
                list(l.overloaded())));
    }

    /** A bar chart of {@code values}, each bar with its count and label as a tooltip. */
    private static void bars(StringBuilder h, String kind, int layer, long[] values, String[] fills,
                             String[] outlines, IntFunction<String> label) {
        long max = 1;
        for (long v : values) {
            max = Math.max(max, v);
        }
        double width = (double) CHART_WIDTH / values.length;
        h.append(String.format(Locale.ROOT, "<svg class=\"%s\" data-layer=\"%d\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">%n", kind, layer, CHART_WIDTH,
                CHART_HEIGHT + 16, CHART_WIDTH, CHART_HEIGHT + 16));
        for (int i = 0; i < values.length; i++) {
            double height = (double) values[i] / max * (CHART_HEIGHT - 4);
            h.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            + "fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"><title>%s: %d</title></rect>%n",
                    i * width + 1, CHART_HEIGHT - height, Math.max(1, width - 2), Math.max(height, 0.5), fills[i],
                    outlines[i], escape(label.apply(i)), values[i]));
            if (values.length <= 16) {
                h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" "
                        + "text-anchor=\"middle\">%d</text>%n", i * width + width / 2, CHART_HEIGHT + 12, values[i]));
            }
        }
        h.append("</svg>\n");
    }

    /** One row per layer, one cell per frame in the colour of its expert. */
    private static void strip(StringBuilder h, FileRouting f, int experts) {
        int layers = f.layers().size();
        double cell = f.frames() == 0 ? 1 : Math.max(0.5, Math.min(8.0, (double) STRIP_WIDTH / f.frames()));
        int width = (int) Math.ceil(cell * f.frames()) + 60;
        h.append(String.format(Locale.ROOT, "<svg class=\"routes\" width=\"%d\" height=\"%d\" "
                + "xmlns=\"http://www.w3.org/2000/svg\">%n", width, layers * STRIP_ROW + 4));
        for (int l = 0; l < layers; l++) {
            h.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\" font-size=\"11\">layer %d</text>%n",
                    l * STRIP_ROW + 11, l));
            int t = 0;
            while (t < f.frames()) {
                int e = f.routes()[l * f.frames() + t];
                int end = t;
                while (end < f.frames() && f.routes()[l * f.frames() + end] == e) {
                    end++;
                }
                h.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
                                + "fill=\"%s\"><title>frames %d to %d: expert %d</title></rect>%n", 60 + t * cell,
                        l * STRIP_ROW, (end - t) * cell, STRIP_ROW - 2, colour(e, experts), t, end - 1, e));
                t = end;
            }
        }
        h.append("</svg>\n");
    }

    private static void legend(StringBuilder h, int experts) {
        h.append("<p>");
        for (int e = 0; e < experts; e++) {
            h.append(String.format(Locale.ROOT, "<span style=\"color:%s\">&#9632;</span> expert %d &nbsp; ",
                    colour(e, experts), e));
        }
        h.append("</p>\n");
    }

    /** Evenly spaced hues, so that neighbouring labels stay apart. */
    static String colour(int expert, int experts) {
        return String.format(Locale.ROOT, "hsl(%d,65%%,50%%)", Math.round(360.0 * expert / Math.max(1, experts)));
    }

    private static String list(List<Integer> experts) {
        return experts.isEmpty() ? "none" : experts.toString();
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

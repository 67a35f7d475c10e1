package org.speechmoe.testkit;

/**
 * Audio the checks run on: mono samples in [-1, 1] and a description that says where they came from (a file and the
 * excerpt taken, or the recipe of a generated signal), which is what a failing property reports.
 *
 * @param description where the samples came from, for reports
 * @param samples     mono samples in [-1, 1]
 * @param sampleRate  samples per second
 */
public record KitAudio(String description, float[] samples, int sampleRate) {
    @Override
    public String toString() {
        return description;
    }
}

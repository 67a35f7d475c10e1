package org.speechmoe.runtime.internal.moe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.speechmoe.runtime.spi.Activation;
import org.speechmoe.runtime.internal.backend.Backend;
import org.speechmoe.runtime.internal.backend.ScalarBackend;
import org.speechmoe.runtime.internal.state.RecognizerState;

/** The routing invariants of docs/GRAPH.md section 5, on random small layers and inputs. */
class RoutingProperties {
    static final float TOLERANCE = 2e-5f;

    Backend backend() {
        return new ScalarBackend();
    }

    /**
     * How far results may move when the same frames are computed in another grouping: 0 for the scalar backend,
     * whose every output is one sum in a fixed order; a faster backend may tile rows differently by row count.
     */
    float regroupingTolerance() {
        return 0f;
    }

    private void assertClose(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], regroupingTolerance() * (1 + Math.abs(want[i])), "at " + i);
        }
    }

    @Provide
    Arbitrary<RandomMoe> layers() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 9),
                        Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 7),
                        Arbitraries.integers().between(1, 9), Arbitraries.integers().between(0, 40),
                        Arbitraries.of(true, false), Arbitraries.of(Activation.SWISH, Activation.RELU))
                .as((seed, e, de, d, h, t, bias, act) -> RandomMoe.of(seed, e, de, d, h, t, bias, act,
                        seed % 5 == 0));
    }

    private static float[] run(Backend backend, RandomMoe m, float[] x) {
        m.layer().addTo(backend, new RecognizerState(), m.embedding(), m.y(), m.frames(), x);
        return x;
    }

    @Property(tries = 200)
    void everyFrameGoesToExactlyOneExpertWithTheMaximumProbabilityAsGate(@ForAll("layers") RandomMoe m) {
        Routing r = m.layer().router().route(m.embedding(), m.y(), m.frames());
        for (int t = 0; t < m.frames(); t++) {
            int e = r.experts()[t];
            assertTrue(e >= 0 && e < m.experts());
            float gate = r.gates()[t];
            assertTrue(gate >= 1f / m.experts() - 1e-6f && gate <= 1f + 1e-6f, "gate " + gate);
            double sum = 0;
            for (int j = 0; j < m.experts(); j++) {
                float p = r.probabilities()[t * m.experts() + j];
                sum += p;
                assertTrue(p < gate || (p == gate && j >= e), "expert " + e + " is the first most probable");
            }
            assertEquals(1.0, sum, 1e-5);
            assertEquals(r.probabilities()[t * m.experts() + e], gate);
        }
    }

    @Property(tries = 200)
    void groupingByExpertIsAPermutationAndGatherScatterRestoresEveryFrame(@ForAll("layers") RandomMoe m) {
        Routing r = m.layer().router().route(m.embedding(), m.y(), m.frames());
        ExpertDispatch d = ExpertDispatch.of(r.experts(), m.experts());
        assertEquals(m.frames(), d.offsets()[m.experts()]);
        int[] sorted = d.order().clone();
        Arrays.sort(sorted);
        for (int t = 0; t < m.frames(); t++) {
            assertEquals(t, sorted[t]);
        }
        for (int e = 0; e < m.experts(); e++) {
            for (int i = d.offsets()[e]; i < d.offsets()[e + 1]; i++) {
                assertEquals(e, r.experts()[d.order()[i]]);
            }
        }
        float[] restored = new float[m.y().length];
        d.scatterAdd(d.gather(m.y(), m.dim()), m.dim(), restored);
        assertArrayEquals(m.y(), restored);
    }

    @Property(tries = 150)
    void sparseDispatchEqualsTheDenseDefinition(@ForAll("layers") RandomMoe m) {
        float[] x = RandomMoe.gaussian(new Random(1), m.frames() * m.dim(), 1);
        float[] sparse = run(backend(), m, x.clone());
        Routing r = m.layer().router().route(m.embedding(), m.y(), m.frames());
        for (int t = 0; t < m.frames(); t++) {
            float[] frame = Arrays.copyOfRange(m.y(), t * m.dim(), (t + 1) * m.dim());
            // the dense definition: every expert evaluated, the routed one kept
            float[][] all = new float[m.experts()][];
            for (int e = 0; e < m.experts(); e++) {
                all[e] = m.expert(e, frame);
            }
            float g = m.keep() ? 1f : r.gates()[t];
            for (int o = 0; o < m.dim(); o++) {
                float want = x[t * m.dim() + o] + m.scale() * g * all[r.experts()[t]][o];
                assertEquals(want, sparse[t * m.dim() + o], TOLERANCE * (1 + Math.abs(want)));
            }
        }
    }

    @Property(tries = 100)
    void permutingFramesPermutesRoutesAndOutputsAlike(@ForAll("layers") RandomMoe m, @ForAll long seed) {
        List<Integer> idx = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, m.frames()).boxed().toList());
        java.util.Collections.shuffle(idx, new Random(seed));
        int[] order = idx.stream().mapToInt(Integer::intValue).toArray();
        RandomMoe p = m.framesReordered(order);
        float[] out = run(backend(), m, new float[m.frames() * m.dim()]);
        float[] outP = run(backend(), p, new float[m.frames() * m.dim()]);
        int[] routes = m.layer().router().route(m.embedding(), m.y(), m.frames()).experts();
        int[] routesP = p.layer().router().route(p.embedding(), p.y(), p.frames()).experts();
        for (int i = 0; i < m.frames(); i++) {
            assertEquals(routes[order[i]], routesP[i]);
            for (int o = 0; o < m.dim(); o++) {
                float want = out[order[i] * m.dim() + o];
                assertEquals(want, outP[i * m.dim() + o], regroupingTolerance() * (1 + Math.abs(want)),
                        "frames are independent");
            }
        }
    }

    @Property(tries = 100)
    void relabelingTheExpertsChangesNoOutput(@ForAll("layers") RandomMoe m, @ForAll long seed) {
        List<Integer> idx = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, m.experts()).boxed().toList());
        java.util.Collections.shuffle(idx, new Random(seed));
        int[] perm = idx.stream().mapToInt(Integer::intValue).toArray();
        RandomMoe p = m.relabeled(perm);
        float[] out = run(backend(), m, new float[m.frames() * m.dim()]);
        float[] outP = run(backend(), p, new float[m.frames() * m.dim()]);
        int[] routes = m.layer().router().route(m.embedding(), m.y(), m.frames()).experts();
        int[] routesP = p.layer().router().route(p.embedding(), p.y(), p.frames()).experts();
        for (int t = 0; t < m.frames(); t++) {
            // ties may resolve to another label after renaming; only the probability decides
            if (routesP[t] == perm[routes[t]]) {
                for (int o = 0; o < m.dim(); o++) {
                    float want = out[t * m.dim() + o];
                    assertEquals(want, outP[t * m.dim() + o], Math.max(1e-6f, regroupingTolerance()) * (1 + Math.abs(want)));
                }
            }
        }
    }

    @Property(tries = 100)
    void anExpertWithoutFramesCostsNothingAndChangesNothing(@ForAll("layers") RandomMoe m) {
        Routing r = m.layer().router().route(m.embedding(), m.y(), m.frames());
        float[] out = run(backend(), m, new float[m.frames() * m.dim()]);
        // poison every idle expert: if any of its weights were read, NaN would reach the output
        float[] w1 = m.w1().clone();
        float[] w2 = m.w2().clone();
        ExpertDispatch d = ExpertDispatch.of(r.experts(), m.experts());
        for (int e = 0; e < m.experts(); e++) {
            if (d.rowsOf(e) == 0) {
                Arrays.fill(w1, e * m.hidden() * m.dim(), (e + 1) * m.hidden() * m.dim(), Float.NaN);
                Arrays.fill(w2, e * m.dim() * m.hidden(), (e + 1) * m.dim() * m.hidden(), Float.NaN);
            }
        }
        RandomMoe poisoned = new RandomMoe(m.experts(), m.embedDim(), m.dim(), m.hidden(), m.frames(),
                m.routerWeights(), m.routerBias(), w1, m.b1(), w2, m.b2(), m.activation(), m.scale(), m.keep(),
                m.embedding(), m.y());
        assertArrayEquals(out, run(backend(), poisoned, new float[m.frames() * m.dim()]), "idle experts were read");
    }

    @Property(tries = 100)
    void twoUtterancesTogetherEqualEachAlone(@ForAll("layers") RandomMoe m, @ForAll @IntRange(min = 0, max = 40) int cut) {
        int split = Math.min(cut, m.frames());
        float[] together = run(backend(), m, new float[m.frames() * m.dim()]);
        RandomMoe first = slice(m, 0, split);
        RandomMoe second = slice(m, split, m.frames());
        float[] a = run(backend(), first, new float[split * m.dim()]);
        float[] b = run(backend(), second, new float[(m.frames() - split) * m.dim()]);
        float[] joined = new float[together.length];
        System.arraycopy(a, 0, joined, 0, a.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        assertClose(together, joined);
    }

    private static RandomMoe slice(RandomMoe m, int from, int to) {
        return new RandomMoe(m.experts(), m.embedDim(), m.dim(), m.hidden(), to - from, m.routerWeights(),
                m.routerBias(), m.w1(), m.b1(), m.w2(), m.b2(), m.activation(), m.scale(), m.keep(),
                Arrays.copyOfRange(m.embedding(), from * m.embedDim(), to * m.embedDim()),
                Arrays.copyOfRange(m.y(), from * m.dim(), to * m.dim()));
    }
}

package org.speechmoe.runtime;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.speechmoe.runtime.api.SpeechMoeModel;

/**
 * The runtime's structure, enforced: its packages follow the data and import only downward, no two packages import
 * each other, the module exports the API and the offload SPI only and their signatures show no internal type, and the
 * library writes nothing to stdout or stderr (notices go through {@link System.Logger}).
 */
class ArchitectureTest {
    private static final String RUNTIME = "org.speechmoe.runtime";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(RUNTIME);

    /**
     * Top to bottom: a layer may use any layer below it and none above. The façade on top; the pipeline that opens a
     * model and runs a pass; the decoder, which never sees the encoder; the encoder over the MoE layer; features over
     * audio; then what every layer stands on: the weights, the per-recognizer state, the kernels and the SPI.
     */
    private static final List<String> LAYERS = List.of("api", "internal.model", "internal.decoder",
            "internal.encoder", "internal.moe", "internal.features", "internal.audio", "internal.weights",
            "internal.state", "internal.backend", "spi");

    @Test
    void layersImportOnlyDownward() {
        Architectures.LayeredArchitecture rule = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : LAYERS) {
            rule = rule.layer(layer).definedBy(RUNTIME + "." + layer + "..");
        }
        for (int i = 0; i < LAYERS.size(); i++) {
            String[] above = LAYERS.subList(0, i).toArray(String[]::new);
            rule = i == 0 ? rule.whereLayer(LAYERS.get(i)).mayNotBeAccessedByAnyLayer()
                    : rule.whereLayer(LAYERS.get(i)).mayOnlyBeAccessedByLayers(above);
        }
        rule.check(CLASSES);
    }

    @Test
    void everyRuntimeClassIsInALayer() {
        ArchRuleDefinition.classes().should().resideInAnyPackage(LAYERS.stream().map(l -> RUNTIME + "." + l + "..")
                .toArray(String[]::new)).check(CLASSES);
    }

    @Test
    void noPackagesImportEachOther() {
        slices().matching(RUNTIME + ".(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theLibraryWritesNothingToStandardStreams() {
        GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(CLASSES);
    }

    @Test
    void theExportedSignaturesShowNoInternalType() {
        ArchRuleDefinition.members().that().areDeclaredInClassesThat(exported())
                .and(new DescribedPredicate<JavaMember>("are visible outside the runtime") {
                    @Override
                    public boolean test(JavaMember m) {
                        return !m.getModifiers().contains(JavaModifier.PRIVATE)
                                && (m.getModifiers().contains(JavaModifier.PUBLIC)
                                || m.getModifiers().contains(JavaModifier.PROTECTED))
                                && m.getOwner().getModifiers().contains(JavaModifier.PUBLIC);
                    }
                })
                .should(new ArchCondition<>("name no internal type in their signature") {
                    @Override
                    public void check(JavaMember member, ConditionEvents events) {
                        List<JavaClass> types = new ArrayList<>();
                        if (member instanceof JavaCodeUnit unit) {
                            types.add(unit.getRawReturnType());
                            types.addAll(unit.getRawParameterTypes());
                            types.addAll(unit.getThrowsClause().getTypes());
                        } else if (member instanceof JavaField field) {
                            types.add(field.getRawType());
                        }
                        for (JavaClass t : types) {
                            JavaClass base = t.isArray() ? t.getBaseComponentType() : t;
                            if (base.getPackageName().startsWith(RUNTIME + ".internal")) {
                                events.add(SimpleConditionEvent.violated(member,
                                        member.getFullName() + " exposes " + base.getName()));
                            }
                        }
                    }
                })
                .allowEmptyShould(false)
                .check(CLASSES);
    }

    @Test
    void theModuleExportsTheApiAndTheSpiOnly() throws IOException, URISyntaxException {
        Path classes = Path.of(SpeechMoeModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            ModuleDescriptor module = ModuleDescriptor.read(in);
            Set<String> exports = module.exports().stream().map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(Arrays.asList(RUNTIME + ".api", RUNTIME + ".spi")), exports);
        }
    }

    private static DescribedPredicate<JavaClass> exported() {
        return new DescribedPredicate<>("are in an exported package") {
            @Override
            public boolean test(JavaClass c) {
                return c.getPackageName().equals(RUNTIME + ".api") || c.getPackageName().equals(RUNTIME + ".spi");
            }
        };
    }
}

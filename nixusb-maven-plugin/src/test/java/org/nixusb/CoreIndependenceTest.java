package org.nixusb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The core knows nothing of Maven: only org.nixusb.mojo may use Maven or Plexus types, imported or
 * spelled out.
 */
class CoreIndependenceTest {
    private static final java.util.regex.Pattern MAVEN = java.util.regex.Pattern.compile(
            "\\b(?:org\\.apache\\.maven|org\\.codehaus\\.plexus)\\.");

    @Test
    void theRuleSeesFullyQualifiedNamesToo() {
        assertTrue(MAVEN.matcher("throw new org.apache.maven.plugin.MojoFailureException(x);").find());
        assertTrue(MAVEN.matcher("import org.codehaus.plexus.util.FileUtils;").find());
        assertTrue(!MAVEN.matcher("String s = \"maven\"; // org.nixusb.mojo").find());
    }

    @Test
    void onlyTheMojoPackageImportsMaven() throws Exception {
        Path src = Path.of("src/main/java/org/nixusb");
        List<Path> offenders;
        long files;
        try (var s = Files.walk(src)) {
            List<Path> core = s.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(src.resolve("mojo"))).toList();
            files = core.size();
            offenders = core.stream().filter(p -> {
                try {
                    String text = Files.readString(p);
                    return MAVEN.matcher(text).find();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
        assertTrue(files > 20, "found only " + files + " core files");
        assertEquals(List.of(), offenders);
    }
}

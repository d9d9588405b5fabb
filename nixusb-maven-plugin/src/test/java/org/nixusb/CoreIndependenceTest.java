package org.nixusb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The core knows nothing of Maven: only org.nixusb.mojo may import Maven or Plexus types. */
class CoreIndependenceTest {
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
                    return text.contains("import org.apache.maven") || text.contains("import org.codehaus.plexus");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
        assertTrue(files > 20, "found only " + files + " core files");
        assertEquals(List.of(), offenders);
    }
}

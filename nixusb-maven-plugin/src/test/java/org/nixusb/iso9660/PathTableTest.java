package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.SourceIsos;

/**
 * Both path tables, encoded from the directories the reader found, must equal the ones genisoimage and
 * xorriso wrote (a deep tree, long names, Rock Ridge relocation included).
 */
class PathTableTest {
    @ParameterizedTest
    @ValueSource(strings = {"genisoimage", "xorriso"})
    void encodesTheTablesTheWritersWrote(String tool) throws Exception {
        HostTools.require(tool);
        Path dir = HostTools.workDir("path-table-" + tool);
        Path tree = SourceIsos.nixosTree(dir, true);
        Path iso = tool.equals("xorriso") ? SourceIsos.xorriso(dir, tree, "src.iso")
                : SourceIsos.genisoimage(dir, tree, "src.iso");
        try (IsoVolume v = IsoVolume.open(iso)) {
            List<IsoDirectory> dirs = v.directories();
            assertTrue(dirs.size() > 10, "a deep tree");
            Map<IsoDirectory, Integer> number = new IdentityHashMap<>();
            List<PathTable.Row> rows = new ArrayList<>();
            for (IsoDirectory d : dirs) {
                number.put(d, number.size() + 1);
                byte[] id = d.parent() == null ? new byte[1] : d.recordInParent().identifier();
                rows.add(new PathTable.Row(id, d.extent(), d.parent() == null ? 1 : number.get(d.parent())));
            }
            VolumeDescriptor p = v.primary();
            int size = (int) p.pathTableSize();
            assertArrayEquals(v.image().read(p.lPathTableLba() * ImageFile.BLOCK, size, "L table"),
                    PathTable.encode(rows, false));
            assertArrayEquals(v.image().read(p.mPathTableLba() * ImageFile.BLOCK, size, "M table"),
                    PathTable.encode(rows, true));
        }
    }
}

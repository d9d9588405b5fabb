package org.nixusb.iso9660;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nixusb.BadInputException;
import org.nixusb.iso9660.IsoEntry;
import org.nixusb.iso9660.IsoVolume;
import org.nixusb.iso9660.SystemUse;
import org.nixusb.output.FileContent;
import org.nixusb.output.ImageDelta;
import org.nixusb.testing.HostTools;
import org.nixusb.testing.IsoViews;
import org.nixusb.testing.SourceIsos;

/**
 * {@link ImageEdit} on its own, without the remaster around it: files added in new and existing directories,
 * a replaced file, an empty directory and a symbolic link, on sources with and without Rock Ridge, at ISO
 * levels 1 to 3, made by genisoimage and xorriso. xorriso reads each output back (the Rock Ridge view and the
 * plain ISO 9660 view): every added file has its content at the path {@link ImageEdit#shownPath} names, and
 * nothing of the source is lost; every file the edit did not touch keeps its data where it was.
 */
class ImageEditTest {
    private static final Instant TIME = Instant.parse("2025-05-05T05:05:05Z");

    @Test
    void addsReplacesAndKeepsOnEverySourceKind() throws Exception {
        HostTools.require("xorriso", "genisoimage");
        Path dir = HostTools.workDir("image-edit");
        Path tree = SourceIsos.nixosTree(dir, true);
        Map<String, Path> sources = new LinkedHashMap<>();
        sources.put("genisoimage-rr-joliet", SourceIsos.genisoimage(dir, tree, "g-rr.iso"));
        sources.put("xorriso-rr-joliet", SourceIsos.xorriso(dir, tree, "x-rr.iso"));
        for (int level = 1; level <= 3; level++) {
            sources.put("genisoimage-plain-level" + level, plain(dir, tree, "g-plain" + level + ".iso", level));
        }
        Random random = new Random(7);
        byte[] deep = SourceIsos.random(random, 5000);
        byte[] beside = SourceIsos.random(random, 70_000);
        byte[] replacement = SourceIsos.random(random, 12_345);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Path> s : sources.entrySet()) {
            Path source = s.getValue();
            Path out = dir.resolve(s.getKey() + "-edited.iso");
            ImageEdit edit;
            boolean rockRidge;
            try (IsoVolume v = IsoVolume.open(source)) {
                rockRidge = v.rockRidge();
                edit = new ImageEdit(v);
                assertEquals(ImageEdit.Slot.DIRECTORY, edit.slot("/boot"));
                assertEquals(ImageEdit.Slot.FILE, edit.slot("/boot/initrd"));
                assertEquals(ImageEdit.Slot.FREE, edit.slot("/new"));
                assertEquals(ImageEdit.Slot.BLOCKED, edit.slot("/boot/initrd/below"));
                edit.addFile("/new/dir/deep/file.bin", FileContent.of(deep), SystemUse.S_IFREG | 0640, TIME);
                edit.addFile("/boot/added-beside-the-kernel.bin", FileContent.of(beside), SystemUse.S_IFREG | 0444,
                        TIME);
                edit.addFile("/boot/initrd", FileContent.of(replacement), SystemUse.S_IFREG | 0444, TIME);
                edit.addDirectory("/empty", 0750, TIME);
                if (rockRidge) {
                    edit.addSymlink("/kernel-link", "boot/bzImage", TIME);
                }
                Files.copy(source, out, StandardCopyOption.REPLACE_EXISTING);
                ImageDelta delta = new ImageDelta(v.image().size());
                ImageEdit.Result r = edit.write(delta);
                assertTrue(r.directoriesRewritten() >= 3, s.getKey() + ": root, /boot and the new ones");
                try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    delta.applyTo(ch);
                }
            }
            String view = rockRidge ? "any" : "ecma119";
            IsoViews.View before = IsoViews.read(source, view, dir.resolve(s.getKey() + "-before"));
            Path extracted = dir.resolve(s.getKey() + "-after");
            IsoViews.View after = IsoViews.read(out, view, extracted);
            if (after.exit() != 0) {
                problems.add(s.getKey() + ": xorriso failed reading the output: " + after.log());
                continue;
            }
            String initrd = edit.shownPath("/boot/initrd");
            for (String lost : IsoViews.lost(before, after, true)) {
                if (!lost.startsWith(initrd + ":")) {
                    problems.add(s.getKey() + ": " + lost);
                }
            }
            check(problems, s.getKey(), extracted, edit.shownPath("/new/dir/deep/file.bin"), deep);
            check(problems, s.getKey(), extracted, edit.shownPath("/boot/added-beside-the-kernel.bin"), beside);
            check(problems, s.getKey(), extracted, initrd, replacement);
            Path empty = extracted.resolve(edit.shownPath("/empty").substring(1));
            if (!Files.isDirectory(empty)) {
                problems.add(s.getKey() + ": no directory at " + edit.shownPath("/empty"));
            }
            if (rockRidge) {
                assertEquals("link 777 -> boot/bzImage", after.entries().get("/kernel-link"), s.getKey());
                assertEquals("dir 750, mtime " + TIME.getEpochSecond(), after.entries().get("/empty"), s.getKey());
                assertTrue(after.entries().get("/new/dir/deep/file.bin").startsWith("file 640 5000 bytes"),
                        s.getKey() + ": " + after.entries().get("/new/dir/deep/file.bin"));
            }
            try (IsoVolume src = IsoVolume.open(source); IsoVolume o = IsoVolume.open(out)) {
                for (IsoEntry e : src.walk()) {
                    if (e.isDirectory() || e.path().equals(initrd)) {
                        continue;
                    }
                    IsoEntry now = o.find(e.path());
                    assertNotNull(now, s.getKey() + ": " + e.path());
                    assertEquals(e.records().get(0).extent(), now.records().get(0).extent(),
                            s.getKey() + ": " + e.path() + " kept its data in place");
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void refusesWhatCannotBeAddedAndLeavesTheDeltaUnwritten() throws Exception {
        HostTools.require("genisoimage");
        Path dir = HostTools.workDir("image-edit-refusals");
        Path tree = SourceIsos.nixosTree(dir, true);
        Path source = SourceIsos.genisoimage(dir, tree, "src.iso");
        String[][] cases = {
            {"/boot/initrd/below.txt", "is a file"},
            {"/boot", "exists as a directory"},
            {"/current-system", "exists as a symbolic link"},
        };
        for (String[] c : cases) {
            try (IsoVolume v = IsoVolume.open(source)) {
                ImageEdit edit = new ImageEdit(v);
                edit.addFile(c[0], FileContent.of(new byte[10]), SystemUse.S_IFREG | 0444, TIME);
                ImageDelta delta = new ImageDelta(v.image().size());
                BadInputException e = assertThrows(BadInputException.class, () -> edit.write(delta), c[0]);
                assertTrue(e.getMessage().contains(c[1]), e.getMessage());
                assertTrue(e.getMessage().contains(source.toString()), "names the image: " + e.getMessage());
            }
        }
        try (IsoVolume v = IsoVolume.open(source)) {
            ImageEdit edit = new ImageEdit(v);
            edit.addDirectory("/boot/bzImage", 0755, TIME);
            BadInputException e = assertThrows(BadInputException.class,
                    () -> edit.write(new ImageDelta(v.image().size())));
            assertTrue(e.getMessage().contains("cannot become a directory"), e.getMessage());
        }
    }

    @Test
    void collidingNamesWithoutRockRidgeGetUniqueIdentifiers() throws Exception {
        HostTools.require("xorriso", "genisoimage");
        Path dir = HostTools.workDir("image-edit-similar-names");
        Path tree = SourceIsos.nixosTree(dir, true);
        Path source = plain(dir, tree, "plain1.iso", 1);
        Path out = dir.resolve("edited.iso");
        List<String> names = List.of("/boot/initrd-extra-two", "/boot/INITRD-EXTRA-three", "/boot/initrd.extra.four",
                "/boot/initrd_ex");
        Map<String, byte[]> contents = new LinkedHashMap<>();
        Random random = new Random(11);
        ImageEdit edit;
        try (IsoVolume v = IsoVolume.open(source)) {
            edit = new ImageEdit(v);
            for (String n : names) {
                byte[] b = SourceIsos.random(random, 100 + random.nextInt(5000));
                contents.put(n, b);
                edit.addFile(n, FileContent.of(b), SystemUse.S_IFREG | 0444, TIME);
            }
            Files.copy(source, out, StandardCopyOption.REPLACE_EXISTING);
            ImageDelta delta = new ImageDelta(v.image().size());
            edit.write(delta);
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                delta.applyTo(ch);
            }
        }
        Path extracted = dir.resolve("after");
        IsoViews.View after = IsoViews.read(out, "ecma119", extracted);
        assertEquals(0, after.exit(), after.log());
        assertTrue(!after.collisions(), "xorriso saw two entries under one name: " + after.log());
        List<String> shown = new ArrayList<>();
        for (String n : names) {
            String p = edit.shownPath(n);
            assertTrue(!shown.contains(p), "two added files show as " + p);
            shown.add(p);
            assertArrayEquals(contents.get(n), Files.readAllBytes(extracted.resolve(p.substring(1))), n + " as " + p);
        }
    }

    /** genisoimage without Rock Ridge or Joliet, at an ISO level, with the usual no-emulation boot entry. */
    private static Path plain(Path dir, Path tree, String name, int level) throws Exception {
        Path iso = dir.resolve(name);
        HostTools.run("genisoimage", "-quiet", "-o", iso.toString(), "-V", "NIXOS_ISO", "-iso-level",
                String.valueOf(level), "-b", "boot/dummy-boot.img", "-c", "boot/boot.cat", "-no-emul-boot",
                "-boot-load-size", "4", "-boot-info-table", tree.toString());
        return iso;
    }

    private static void check(List<String> problems, String source, Path extracted, String shown, byte[] expected)
            throws Exception {
        Path f = extracted.resolve(shown.substring(1));
        if (!Files.isRegularFile(f)) {
            problems.add(source + ": nothing at " + shown);
        } else if (!java.util.Arrays.equals(expected, Files.readAllBytes(f))) {
            problems.add(source + ": " + shown + " has other content");
        }
    }
}

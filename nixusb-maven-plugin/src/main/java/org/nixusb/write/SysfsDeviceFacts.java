package org.nixusb.write;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Device facts from Linux: {@code /sys/class/block/<name>} (partition, removable, size, device/vendor,
 * device/model, serial, holders, the bus in its real path), {@code /proc/mounts} and {@code /proc/swaps}.
 * The roots are parameters so that tests can point it at a fake tree.
 */
public final class SysfsDeviceFacts implements DeviceFacts {
    private final Path sys;
    private final Path proc;
    private final boolean blockNodesByName;

    /** The live system. */
    public SysfsDeviceFacts() {
        this(Path.of("/sys"), Path.of("/proc"), false);
    }

    /**
     * @param blockNodesByName for fake trees: a target counts as a block device when sysfs knows its name,
     *        whatever the node itself is
     */
    public SysfsDeviceFacts(Path sys, Path proc, boolean blockNodesByName) {
        this.sys = sys;
        this.proc = proc;
        this.blockNodesByName = blockNodesByName;
    }

    @Override
    public BlockDevice describe(Path target) throws IOException {
        Path real = Files.exists(target) ? target.toRealPath() : target;
        String name = real.getFileName().toString();
        Path node = sys.resolve("class/block").resolve(name);
        boolean isBlock = blockNodesByName ? Files.exists(node) : isBlockNode(real) && Files.exists(node);
        if (!isBlock) {
            return null;
        }
        boolean partition = Files.exists(node.resolve("partition"));
        boolean removable = "1".equals(read(node.resolve("removable")));
        String realNode = Files.isSymbolicLink(node) ? node.toRealPath().toString() : node.toString();
        boolean usb = realNode.matches(".*/usb\\d+/.*");
        long size = 512L * parseLong(read(node.resolve("size")));
        String vendor = read(node.resolve("device/vendor"));
        String model = read(node.resolve("device/model"));
        String serial = read(node.resolve("serial"));
        if (serial.isEmpty()) {
            serial = read(node.resolve("device/serial"));
        }
        List<String> parts = new ArrayList<>();
        if (Files.isDirectory(node)) {
            try (Stream<Path> s = Files.list(node)) {
                s.filter(p -> Files.exists(p.resolve("partition"))).map(p -> p.getFileName().toString()).sorted()
                        .forEach(parts::add);
            }
        }
        List<String> names = new ArrayList<>(parts);
        names.add(name);
        List<String> holders = new ArrayList<>();
        for (String n : names) {
            Path h = (n.equals(name) ? node : node.resolve(n)).resolve("holders");
            if (Files.isDirectory(h)) {
                try (Stream<Path> s = Files.list(h)) {
                    s.forEach(p -> holders.add(n + " -> " + p.getFileName()));
                }
            }
        }
        List<String> mounts = new ArrayList<>();
        List<String> system = new ArrayList<>();
        for (String line : lines(proc.resolve("mounts"))) {
            String[] f = line.split("\\s+");
            if (f.length >= 2 && f[0].startsWith("/dev/") && names.contains(f[0].substring(5))) {
                mounts.add(f[0] + " on " + f[1]);
                if (f[1].equals("/") || f[1].equals("/boot") || f[1].equals("/boot/efi")) {
                    system.add(f[1]);
                }
            }
        }
        List<String> swap = new ArrayList<>();
        for (String line : lines(proc.resolve("swaps"))) {
            String dev = line.split("\\s+")[0];
            if (dev.startsWith("/dev/") && names.contains(dev.substring(5))) {
                swap.add(dev);
            }
        }
        return new BlockDevice(target.toString(), name, true, partition, removable, usb, size, vendor, model, serial,
                parts, mounts, swap, holders, system);
    }

    private static boolean isBlockNode(Path p) {
        try {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            return (mode & 0170000) == 0060000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String read(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> lines(Path p) throws IOException {
        return Files.isRegularFile(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : List.of();
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

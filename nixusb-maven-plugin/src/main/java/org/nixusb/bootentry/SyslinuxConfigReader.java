package org.nixusb.bootentry;

import java.util.ArrayList;
import java.util.List;

/** Reads the LABEL entries of a syslinux/isolinux configuration (one file; INCLUDE is not followed). */
public final class SyslinuxConfigReader {
    private SyslinuxConfigReader() {
    }

    /** The entries with the config's DEFAULT (or the first entry) and TIMEOUT (tenths of a second). */
    public static BootMenu menu(String config, String origin) {
        List<BootEntry> entries = entries(config, origin);
        String defaultId = null;
        int timeout = 0;
        for (String line : config.split("\r?\n")) {
            String[] kv = line.strip().split("\\s+", 2);
            if (kv.length == 2 && kv[0].equalsIgnoreCase("DEFAULT")) {
                defaultId = kv[1].strip();
            } else if (kv.length == 2 && kv[0].equalsIgnoreCase("TIMEOUT") && kv[1].strip().matches("\\d{1,6}")) {
                timeout = (Integer.parseInt(kv[1].strip()) + 9) / 10;
            }
        }
        String wanted = defaultId;
        if (wanted == null || entries.stream().noneMatch(e -> e.id().equals(wanted))) {
            defaultId = entries.isEmpty() ? null : entries.get(0).id();
        }
        return new BootMenu(entries, defaultId, timeout);
    }

    public static List<BootEntry> entries(String config, String origin) {
        List<BootEntry> out = new ArrayList<>();
        String label = null;
        String title = null;
        String kernel = null;
        List<String> initrds = new ArrayList<>();
        String append = "";
        for (String raw : (config + "\nLABEL \u0000end").split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            String key = kv[0].toUpperCase();
            String value = kv.length > 1 ? kv[1].strip() : "";
            if (key.equals("LABEL")) {
                if (label != null && kernel != null) {
                    out.add(new BootEntry(label, title == null ? label : title, kernel, List.copyOf(initrds), append,
                            origin));
                }
                label = value;
                title = null;
                kernel = null;
                initrds = new ArrayList<>();
                append = "";
            } else if (label == null) {
                continue;
            } else if (key.equals("MENU") && value.toUpperCase().startsWith("LABEL")) {
                title = value.substring(5).strip();
            } else if (key.equals("LINUX") || key.equals("KERNEL") || key.equals("COM32")) {
                kernel = value.split("\\s+")[0];
            } else if (key.equals("INITRD")) {
                initrds.addAll(List.of(value.split(",")));
            } else if (key.equals("APPEND")) {
                append = value;
            }
        }
        return out;
    }
}

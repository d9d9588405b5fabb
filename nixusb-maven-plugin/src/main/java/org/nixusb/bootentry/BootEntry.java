package org.nixusb.bootentry;

import java.util.List;

/**
 * One way to boot a Linux kernel, independent of the boot loader that described it.
 *
 * @param id a short unique identifier (systemd-boot: the file name without ".conf")
 * @param title what a menu shows
 * @param kernel absolute path of the kernel image
 * @param initrds absolute paths of the initrds, in load order
 * @param options the kernel command line
 * @param origin where the entry was read (for messages)
 */
public record BootEntry(String id, String title, String kernel, List<String> initrds, String options, String origin) {

    public BootEntry withOptions(String newOptions) {
        return new BootEntry(id, title, kernel, initrds, newOptions, origin);
    }
}

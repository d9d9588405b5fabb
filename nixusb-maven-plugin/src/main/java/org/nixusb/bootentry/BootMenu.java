package org.nixusb.bootentry;

import java.util.List;

/**
 * The entries of a boot loader with its default and timeout.
 *
 * @param entries the entries in menu order
 * @param defaultId id of the default entry (one of the entries)
 * @param timeoutSeconds seconds before the default boots; 0 boots at once, -1 waits for the user
 */
public record BootMenu(List<BootEntry> entries, String defaultId, int timeoutSeconds) {

    public BootEntry defaultEntry() {
        for (BootEntry e : entries) {
            if (e.id().equals(defaultId)) {
                return e;
            }
        }
        return entries.get(0);
    }
}

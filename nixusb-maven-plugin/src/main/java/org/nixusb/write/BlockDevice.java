package org.nixusb.write;

import java.util.List;

/**
 * What the system says about a write target.
 *
 * @param path the path given (/dev/sdb)
 * @param name the kernel name (sdb)
 * @param blockDevice true for a block device node
 * @param partition true when it is a partition rather than a whole disk
 * @param removable sysfs {@code removable}
 * @param usb true when its sysfs path goes through a USB bus
 * @param sizeBytes the capacity
 * @param vendor vendor string, may be empty
 * @param model model string, may be empty
 * @param serial serial number, may be empty
 * @param partitions kernel names of its partitions
 * @param mounts mount table lines of the device or its partitions ("/dev/sdb1 on /media/usb")
 * @param swap swap areas on it
 * @param holders devices built on it (RAID, LVM, dm-crypt)
 * @param systemMounts which of /, /boot, /boot/efi live on it
 */
public record BlockDevice(String path, String name, boolean blockDevice, boolean partition, boolean removable,
        boolean usb, long sizeBytes, String vendor, String model, String serial, List<String> partitions,
        List<String> mounts, List<String> swap, List<String> holders, List<String> systemMounts) {

    /** One line for the confirmation prompt. */
    public String describe() {
        return String.format("%s: %s %s, %.1f GB, serial %s, %s%s, partitions %s", path, vendor.isBlank() ? "?" : vendor,
                model.isBlank() ? "?" : model, sizeBytes / 1e9, serial.isBlank() ? "?" : serial,
                usb ? "USB" : "not USB", removable ? ", removable" : "", partitions.isEmpty() ? "none" : partitions);
    }
}

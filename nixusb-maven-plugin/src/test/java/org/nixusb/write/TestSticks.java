package org.nixusb.write;

/** Device facts for tests that write a loop device: the real facts, with the device taken for a removable stick. */
final class TestSticks {
    private TestSticks() {
    }

    /** A loop device is not removable; the write tests accept it as a stick, nothing else does. */
    static DeviceFacts loopAsStick() {
        DeviceFacts real = new SysfsDeviceFacts();
        return target -> {
            BlockDevice d = real.describe(target);
            return new BlockDevice(d.path(), d.name(), d.blockDevice(), d.partition(), true, d.usb(),
                    d.sizeBytes(), d.vendor(), d.model(), d.serial(), d.partitions(), d.mounts(), d.swap(),
                    d.holders(), d.systemMounts());
        };
    }
}

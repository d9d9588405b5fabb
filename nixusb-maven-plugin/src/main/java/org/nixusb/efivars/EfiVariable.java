package org.nixusb.efivars;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * One UEFI variable as an edk2 variable store keeps it: name, vendor GUID, attributes and data, and for a time-based
 * authenticated variable the time stamp of its last authenticated write (the data holds no authentication
 * descriptor: the firmware strips it before it stores the variable).
 *
 * @param name the variable's name ({@code SbatLevel}, {@code dbx})
 * @param vendor its vendor GUID
 * @param attributes its attributes ({@link #NON_VOLATILE} and the others)
 * @param data its data
 * @param timestamp the 16-byte {@code EFI_TIME} of an authenticated write, all zero otherwise
 */
public record EfiVariable(String name, UUID vendor, int attributes, byte[] data, byte[] timestamp) {
    public static final int NON_VOLATILE = 0x1;
    public static final int BOOTSERVICE_ACCESS = 0x2;
    public static final int RUNTIME_ACCESS = 0x4;
    public static final int TIME_BASED_AUTHENTICATED_WRITE_ACCESS = 0x20;

    /** shim's vendor GUID: {@code SbatLevel}, {@code MokList} and the other variables shim reads. */
    public static final UUID SHIM_LOCK = UUID.fromString("605dab50-e046-4300-abb6-3dd810dd8b23");
    /** The firmware's signature databases {@code db} and {@code dbx}. */
    public static final UUID IMAGE_SECURITY_DATABASE = UUID.fromString("d719b2cb-3d3a-4596-a3bc-dad00e67656f");
    /** {@code PK}, {@code KEK}, {@code SecureBootEnable} and the other global variables. */
    public static final UUID GLOBAL = UUID.fromString("8be4df61-93ca-11d2-aa0d-00e098032b8c");

    public EfiVariable {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(vendor, "vendor");
        data = data.clone();
        timestamp = timestamp == null ? new byte[16] : timestamp.clone();
        if (timestamp.length != 16) {
            throw new IllegalArgumentException("an EFI_TIME has 16 bytes, not " + timestamp.length);
        }
    }

    /** A variable without an authenticated write's time stamp. */
    public static EfiVariable of(String name, UUID vendor, int attributes, byte[] data) {
        return new EfiVariable(name, vendor, attributes, data, null);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public byte[] timestamp() {
        return timestamp.clone();
    }

    /** Whether this is the variable {@code name} of {@code vendor}. */
    public boolean is(String otherName, UUID otherVendor) {
        return name.equals(otherName) && vendor.equals(otherVendor);
    }

    /** The attributes as UEFI spells them ({@code NV+BS+RT+AT}). */
    public String attributeNames() {
        StringBuilder sb = new StringBuilder();
        String[] names = {"NV", "BS", "RT", "HR", "AW", "AT", "AA"};
        for (int i = 0; i < names.length; i++) {
            if ((attributes & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : "+").append(names[i]);
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EfiVariable v && v.name.equals(name) && v.vendor.equals(vendor)
                && v.attributes == attributes && Arrays.equals(v.data, data) && Arrays.equals(v.timestamp, timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, vendor, attributes, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return name + " (" + vendor + ", " + attributeNames() + ", " + data.length + " bytes"
                + (Arrays.equals(timestamp, new byte[16]) ? "" : ", written " + HexFormat.of().formatHex(timestamp))
                + ")";
    }
}

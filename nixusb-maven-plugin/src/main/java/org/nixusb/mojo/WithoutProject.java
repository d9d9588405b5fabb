package org.nixusb.mojo;

import java.io.File;

/**
 * A goal run without a project ({@code mvn org.nixusb:nixusb-maven-plugin:boot -Dnixusb.image=...}): Maven then leaves
 * a default such as {@code ${project.build.directory}/nixusb} as it is, unresolved. The one place that recognises such
 * a value and puts the goal's files below the current directory instead.
 */
final class WithoutProject {
    /** Where logs go without a project. */
    static final String LOGS = "target/nixusb";
    /** Where test reports go without a project. */
    static final String REPORTS = "target/nixusb-reports";

    private WithoutProject() {
    }

    /** Whether {@code value} is a default Maven left unresolved (it holds a {@code ${...}} expression). */
    static boolean unresolved(String value) {
        return value != null && value.contains("${");
    }

    /** Whether the path is such a default. */
    static boolean unresolved(File f) {
        return f != null && unresolved(f.getPath());
    }

    /** {@code f}, or, when it is an unresolved default, {@code relative} below the current directory. */
    static File orBelowCurrentDirectory(File f, String relative) {
        return unresolved(f) ? new File(relative).getAbsoluteFile() : f;
    }
}

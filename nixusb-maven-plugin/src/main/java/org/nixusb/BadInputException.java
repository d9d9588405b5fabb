package org.nixusb;

import java.nio.file.Path;

/**
 * A problem with the user's input or host setup that the user can fix. The message always names
 * the file (or thing) concerned, what is wrong with it, and what to do about it.
 */
public class BadInputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String problem;
    private final String cure;
    private final java.util.List<String> options = new java.util.ArrayList<>();

    public BadInputException(Path file, String problem, String cure) {
        this(file == null ? null : file.toString(), problem, cure, null);
    }

    public BadInputException(String subject, String problem, String cure, Throwable cause) {
        super(compose(subject, problem, cure), cause);
        this.problem = problem;
        this.cure = cure;
    }

    private static String compose(String subject, String problem, String cure) {
        StringBuilder sb = new StringBuilder();
        if (subject != null) {
            sb.append(subject).append(": ");
        }
        sb.append(problem);
        if (cure != null && !cure.isEmpty()) {
            sb.append(". ").append(cure);
        }
        return sb.toString();
    }

    public String problem() {
        return problem;
    }

    public String cure() {
        return cure;
    }

    /**
     * Names the options (as the core calls them: {@code efi}, {@code syslinuxDirectory}, {@code qemu}...)
     * the cure asks to set, so that a front end can add its own spelling of them (a Maven property, a
     * command-line flag). The message itself stays neutral.
     */
    public BadInputException option(String... names) {
        options.addAll(java.util.List.of(names));
        return this;
    }

    /** The options the cure names, in order. */
    public java.util.List<String> options() {
        return java.util.List.copyOf(options);
    }
}

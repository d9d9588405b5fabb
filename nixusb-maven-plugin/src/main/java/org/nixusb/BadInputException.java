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
}

package org.nixusb;

/** Where the core reports what it does; the Maven mojos route it to Maven's log. */
public interface BuildLog {
    void info(String message);

    void warn(String message);

    /** An error the run goes on after (a failed boot among several); a log without an error level warns. */
    default void error(String message) {
        warn(message);
    }

    default void debug(String message) {
    }

    /** A log that prints nothing. */
    BuildLog SILENT = new BuildLog() {
        @Override
        public void info(String message) {
        }

        @Override
        public void warn(String message) {
        }
    };
}

package org.nixusb.qemu;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A machine's serial console as a script sees it: what the watcher read from the process, and its input. */
final class ProcessConsole implements ScriptRunner.Console {
    private final ConsoleWatcher watcher;
    private final Process process;
    private final OutputStream toGuest;

    ProcessConsole(ConsoleWatcher watcher, Process process) {
        this.watcher = watcher;
        this.process = process;
        this.toGuest = process.getOutputStream();
    }

    @Override
    public String since(long from) {
        return watcher.since(from);
    }

    @Override
    public long end() {
        return watcher.end();
    }

    @Override
    public void type(String keys) throws IOException {
        // the serial port shares stdio with QEMU's monitor, whose escape is Ctrl-A: Ctrl-A a types one
        toGuest.write(keys.replace("\u0001", "\u0001a").getBytes(StandardCharsets.ISO_8859_1));
        toGuest.flush();
    }

    @Override
    public void await(long millis) throws InterruptedException {
        watcher.awaitData(millis);
    }

    @Override
    public boolean running() {
        return process.isAlive();
    }
}

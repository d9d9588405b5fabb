package org.nixusb.qemu;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of QEMU's Machine Protocol (QMP: newline-separated JSON over a Unix socket): capabilities
 * negotiation, then commands such as {@code screendump}, {@code query-status} and {@code quit}. Events
 * that arrive between a command and its answer are skipped.
 */
public final class QmpClient implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private QmpClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects, waiting up to {@code wait} for qemu to create the socket, and negotiates capabilities. */
    public static QmpClient connect(Path socket, Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (Files.exists(socket)) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    QmpClient c = new QmpClient(ch);
                    JsonNode greeting = JSON.readTree(c.in.readLine());
                    if (greeting == null || !greeting.has("QMP")) {
                        throw new IOException("no QMP greeting on " + socket);
                    }
                    c.execute("qmp_capabilities", Map.of());
                    return c;
                } catch (IOException e) {
                    ch.close();
                    last = e;
                }
            }
            Thread.sleep(100);
        }
        throw last != null ? last : new IOException("qemu did not create its QMP socket " + socket);
    }

    /** Runs a command and returns its "return" value; a QMP error becomes an IOException. */
    public synchronized JsonNode execute(String command, Map<String, Object> arguments) throws IOException {
        Map<String, Object> msg = new LinkedHashMap<>();
        msg.put("execute", command);
        if (!arguments.isEmpty()) {
            msg.put("arguments", arguments);
        }
        out.write((JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("qemu closed QMP during " + command);
            }
            JsonNode n = JSON.readTree(line);
            if (n.has("return")) {
                return n.get("return");
            }
            if (n.has("error")) {
                throw new IOException("QMP " + command + ": " + n.get("error").path("desc").asText());
            }
            // an event: skip it
        }
    }

    /** Saves the VGA screen as a PNG. */
    public void screendump(Path png) throws IOException {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("filename", png.toAbsolutePath().toString());
        args.put("format", "png");
        execute("screendump", args);
    }

    /** "running", "paused", "shutdown", ... */
    public String status() throws IOException {
        return execute("query-status", Map.of()).path("status").asText();
    }

    /** Asks qemu to exit. */
    public void quit() throws IOException {
        execute("quit", Map.of());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

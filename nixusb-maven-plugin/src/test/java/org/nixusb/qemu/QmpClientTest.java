package org.nixusb.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The QMP client against a stand-in server speaking QEMU's protocol on a Unix socket: the greeting and
 * capability negotiation, commands with arguments, events skipped, errors as exceptions.
 */
class QmpClientTest {
    @Test
    void negotiatesRunsCommandsSkipsEventsAndReportsErrors() throws Exception {
        Path dir = Files.createTempDirectory("nixusb-qmp-test");
        Path socket = dir.resolve("qmp.sock");
        List<String> received = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread qemu = new Thread(() -> {
                try (SocketChannel c = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c),
                            StandardCharsets.UTF_8));
                    OutputStream out = Channels.newOutputStream(c);
                    send(out, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}");
                    for (String line; (line = in.readLine()) != null; ) {
                        received.add(line);
                        if (line.contains("qmp_capabilities")) {
                            send(out, "{\"return\": {}}");
                        } else if (line.contains("query-status")) {
                            send(out, "{\"event\": \"RESUME\", \"timestamp\": {}}");
                            send(out, "{\"return\": {\"status\": \"running\", \"running\": true}}");
                        } else if (line.contains("screendump")) {
                            send(out, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no screen\"}}");
                        } else if (line.contains("quit")) {
                            send(out, "{\"return\": {}}");
                            return;
                        }
                    }
                } catch (IOException ignored) {
                    // the test sees what was received
                }
            });
            qemu.start();
            try (QmpClient client = QmpClient.connect(socket, Duration.ofSeconds(10))) {
                assertEquals("running", client.status());
                IOException e = assertThrows(IOException.class, () -> client.screendump(dir.resolve("s.png")));
                assertTrue(e.getMessage().contains("no screen"), e.getMessage());
                client.quit();
            }
            qemu.join(5000);
        }
        assertEquals(4, received.size(), received.toString());
        assertTrue(received.get(0).contains("\"execute\":\"qmp_capabilities\""), received.get(0));
        assertTrue(received.get(2).contains("\"arguments\":{\"filename\":") && received.get(2).contains("\"format\":\"png\""),
                received.get(2));
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
        assertThrows(IOException.class, () -> QmpClient.connect(dir.resolve("none.sock"), Duration.ofMillis(300)));
    }

    private static void send(OutputStream out, String json) throws IOException {
        out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @SuppressWarnings("unused")
    private static Map<String, Object> none() {
        return Map.of();
    }
}

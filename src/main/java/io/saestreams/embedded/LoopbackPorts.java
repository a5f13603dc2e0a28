package io.saestreams.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Finds free TCP ports on the loopback address {@code 127.0.0.1}. */
final class LoopbackPorts {
  private LoopbackPorts() {}

  /**
   * Returns {@code count} distinct ports that were free a moment ago: all are bound to port 0 at the
   * same time (so the operating system hands out different ports), read, and released. Another
   * process may still take one before it is used again; callers retry on a bind failure.
   */
  static int[] pickFree(int count) {
    List<ServerSocket> sockets = new ArrayList<>(count);
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket();
        sockets.add(socket);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(loopback(), 0));
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("could not find a free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // nothing was accepted on it; a failed close leaks no connection
        }
      }
    }
  }

  /** Whether a server socket could be bound to {@code 127.0.0.1:port} right now. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(loopback(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code 127.0.0.1} itself, not whatever {@code localhost} resolves to (it may be {@code ::1}). */
  static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(BrokerSettings.HOST, new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the address has the right length
    }
  }
}

package io.saestreams.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on a loopback port of its own that forwards to a target port which the test can
 * switch (another server answers from then on, as when a registry is replaced) or take away (every
 * connection is refused, as in an outage). Switching closes the connections open so far.
 */
final class SwitchableProxy implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "proxy");
    t.setDaemon(true);
    return t;
  });
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile int target;

  SwitchableProxy(int target) throws IOException {
    this.target = target;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Forwards new connections to {@code port} (-1: refuses them) and drops the open ones. */
  synchronized void switchTo(int port) {
    target = port;
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  /** Connects a new client to the current target, atomically with respect to a switch. */
  private synchronized void connect(Socket client) {
    int port = target;
    if (port < 0) {
      closeQuietly(client);
      return;
    }
    try {
      Socket upstream = new Socket(InetAddress.getLoopbackAddress(), port);
      open.add(client);
      open.add(upstream);
      threads.submit(() -> pump(client, upstream));
      threads.submit(() -> pump(upstream, client));
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      connect(client);
    }
  }

  private static void pump(Socket from, Socket to) {
    byte[] buf = new byte[16_384];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    switchTo(-1);
    threads.shutdownNow();
  }
}

package io.saestreams.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.saestreams.registry.server.RegistryServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Huge requests against the real server, over raw sockets so that the upload is streamed (zeros,
 * never allocated) while the answer is read: the server must answer 413 (or 401 first) without
 * buffering the body, and keep serving afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedSchemaRegistryRequestLimitTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long HUGE = 400L * 1024 * 1024;

  EmbeddedSchemaRegistry server;
  final ExecutorService uploads = Executors.newCachedThreadPool();

  @AfterEach
  void stop() throws InterruptedException {
    uploads.shutdownNow();
    uploads.awaitTermination(10, TimeUnit.SECONDS);
    if (server != null) {
      server.close();
    }
  }

  record Answer(int status, String headers, JsonNode body) {}

  /**
   * Sends the request head, streams {@code bodyBytes} zeros (as chunks when {@code chunked}) from
   * another thread, and reads the answer on this one while the upload is still going.
   */
  Answer send(String head, long bodyBytes, boolean chunked) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Future<Long> upload = uploads.submit(() -> streamZeros(out, bodyBytes, chunked));
      Answer answer = readAnswer(socket.getInputStream());
      // The server refused early: the upload stops with a broken connection, far from complete.
      long sent;
      try {
        sent = upload.get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        sent = -1;
      }
      assertThat(sent).isLessThan(bodyBytes);
      return answer;
    }
  }

  /** Returns the bytes written, or throws when the peer closed the connection first. */
  static long streamZeros(OutputStream out, long total, boolean chunked) throws IOException {
    byte[] zeros = new byte[64 * 1024];
    long written = 0;
    while (written < total) {
      int n = (int) Math.min(zeros.length, total - written);
      if (chunked) {
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      }
      out.write(zeros, 0, n);
      if (chunked) {
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      written += n;
    }
    if (chunked) {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.flush();
    return written;
  }

  static Answer readAnswer(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      if (head.size() >= 4 && head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        break;
      }
    }
    String headers = head.toString(StandardCharsets.US_ASCII);
    int status = Integer.parseInt(headers.substring(9, 12));
    int length = -1;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    assertThat(length).as("Content-Length of the answer in %s", headers).isPositive();
    byte[] body = in.readNBytes(length);
    return new Answer(status, headers, JSON.readTree(body));
  }

  static void assertError(Answer a, int status) {
    assertThat(a.status()).isEqualTo(status);
    assertThat(a.body().get("error_code").intValue()).isEqualTo(status);
    assertThat(a.body().get("message").isTextual()).isTrue();
  }

  void assertHealthy() throws Exception {
    assertHealthy(null);
  }

  void assertHealthy(String userInfo) throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create(server.url() + "/subjects").toURL().openConnection();
    if (userInfo != null) {
      c.setRequestProperty(
          "Authorization", "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
    }
    assertThat(c.getResponseCode()).isEqualTo(200);
    try (InputStream in = c.getInputStream()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("[]");
    }
  }

  static String post(String path, String extraHeaders) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\n"
        + extraHeaders + "\r\n";
  }

  @Test
  void declaredLengthAboveTheDefaultLimitIsRefusedBeforeReading() throws Exception {
    server = new EmbeddedSchemaRegistry().start();
    Answer a = send(post("/subjects/big/versions", "Content-Length: " + HUGE + "\r\n"), HUGE, false);
    assertError(a, 413);
    assertThat(a.body().get("message").textValue())
        .contains(Long.toString(HUGE))
        .contains(Long.toString(RegistryServer.DEFAULT_MAX_REQUEST_BYTES));
    assertThat(a.headers().toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
    assertHealthy();
  }

  @Test
  void chunkedBodyIsCutAtTheConfiguredLimit() throws Exception {
    server = new EmbeddedSchemaRegistry().maxRequestBytes(64 * 1024).start();
    Answer a = send(post("/subjects/big/versions", "Transfer-Encoding: chunked\r\n"), HUGE, true);
    assertError(a, 413);
    assertThat(a.body().get("message").textValue()).contains("65536");
    assertHealthy();
  }

  @Test
  void bodiesUpToTheLimitAreServed() throws Exception {
    String body =
        JSON.createObjectNode().put("schema", SchemaRegistryClientTest.V1.toString()).toString();
    int size = body.getBytes(StandardCharsets.UTF_8).length;
    server = new EmbeddedSchemaRegistry().maxRequestBytes(size).start();
    assertThat(postWithUrlConnection("/subjects/ok/versions", body)).isEqualTo(200);
    server.maxRequestBytes(size - 1);
    assertThat(postWithUrlConnection("/subjects/ok/versions", body)).isEqualTo(413);
    assertThatThrownBy(() -> server.maxRequestBytes(0)).isInstanceOf(IllegalArgumentException.class);
  }

  int postWithUrlConnection(String path, String body) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(server.url() + path).toURL().openConnection();
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    c.setFixedLengthStreamingMode(bytes.length);
    c.setRequestProperty("Content-Type", "application/vnd.schemaregistry.v1+json");
    try (OutputStream out = c.getOutputStream()) {
      out.write(bytes);
    }
    return c.getResponseCode();
  }

  @Test
  void credentialsAreCheckedBeforeTheBodyIsRead() throws Exception {
    // The limit is far above the upload, so only an early 401 ends it before it is complete.
    server = new EmbeddedSchemaRegistry().requireBasicAuth("u:p").maxRequestBytes(Long.MAX_VALUE).start();
    Answer a = send(post("/subjects/big/versions", "Transfer-Encoding: chunked\r\n"), HUGE, true);
    assertError(a, 401);
    assertHealthy("u:p");
  }
}

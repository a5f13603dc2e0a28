package io.saestreams.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Builds an {@link SSLContext} from {@link RegistryClientConfig.Tls} settings. */
final class SslContexts {
  private SslContexts() {}

  static SSLContext create(RegistryClientConfig.Tls tls) {
    try {
      TrustManager[] trust = null;
      if (tls.truststorePath() != null) {
        KeyStore ts = load(tls.truststorePath(), tls.truststorePassword(), tls.truststoreType(), "truststore");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        trust = tmf.getTrustManagers();
      }
      KeyManager[] keys = null;
      if (tls.keystorePath() != null) {
        KeyStore ks = load(tls.keystorePath(), tls.keystorePassword(), tls.keystoreType(), "keystore");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        char[] keyPassword = tls.keyPassword() != null ? tls.keyPassword() : tls.keystorePassword();
        kmf.init(ks, keyPassword);
        keys = kmf.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS for the schema registry client: " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path path, char[] password, String type, String what) {
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password);
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot load " + what + " " + path + " as type " + type + ": " + e.getMessage(), e);
    }
  }
}

package io.saestreams.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded KRaft broker and schema registry per test class:
 * {@code @RegisterExtension static final EmbeddedCluster EMBEDDED = new EmbeddedCluster();}
 * starts them before the class's first test and stops them after its last. Tests keep apart by
 * application ids and topics of their own ({@link AppUnderTest}).
 */
final class EmbeddedCluster implements BeforeAllCallback, AfterAllCallback {
  private ItCluster cluster;

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = ItCluster.embedded();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  /** The running cluster (only between the class's first and last test). */
  ItCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("the embedded cluster runs only while the test class runs");
    }
    return cluster;
  }
}

package io.saestreams.metrics;

/**
 * What {@code GET /health/live} and {@code GET /health/ready} answer: whether the process (and its
 * stream threads) is alive, and whether it is ready to do its work. Called from the metrics
 * server's thread: implementations must be cheap, thread-safe and must not block.
 */
public interface HealthCheck {
  /** One answer: {@code ok}, or not, with the reason shown to whoever asked. */
  record Health(boolean ok, String reason) {
    public static final Health OK = new Health(true, "ok");

    public static Health notOk(String reason) {
      return new Health(false, reason);
    }
  }

  Health live();

  Health ready();

  /** Always live and ready: for an endpoint that serves metrics only. */
  HealthCheck ALWAYS =
      new HealthCheck() {
        @Override
        public Health live() {
          return Health.OK;
        }

        @Override
        public Health ready() {
          return Health.OK;
        }
      };
}

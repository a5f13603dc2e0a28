package io.saestreams.serde;

import org.apache.avro.Schema;

/** Inline test schemas. */
final class TestSchemas {
  private TestSchemas() {}

  static final Schema USER_V1 =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.saestreams.test\",\"fields\":["
                  + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"}]}");

  static final Schema USER_V2 =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.saestreams.test\",\"fields\":["
                  + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":\"string\"},"
                  + "{\"name\":\"email\",\"type\":\"string\",\"default\":\"none\"}]}");

  /** Shares nothing with User: a User reader cannot read it. */
  static final Schema METRIC =
      new Schema.Parser()
          .parse(
              "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.saestreams.test\",\"fields\":["
                  + "{\"name\":\"value\",\"type\":\"double\"}]}");
}

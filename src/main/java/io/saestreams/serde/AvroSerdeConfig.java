package io.saestreams.serde;

/**
 * Property names read by {@code configure(Map, boolean)} of the serializer and deserializer when
 * they were created without a registry client (for example by Kafka Streams from class names).
 * Registry connection properties are those of
 * {@link io.saestreams.registry.RegistryClientConfig#fromProperties} (read with
 * {@link io.saestreams.registry.RegistryClientConfig#fromSerdeConfigs}, which ignores the other
 * Kafka settings in the same map).
 */
public final class AvroSerdeConfig {
  private AvroSerdeConfig() {}

  /** Confluent's name: whether the serializer registers unknown schemas (default true). */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  /**
   * Fully-qualified name of the SpecificRecord class the deserializer produces; when absent it
   * produces GenericRecords in the writer schema.
   */
  public static final String READER_CLASS = "sae.avro.reader.class";
}

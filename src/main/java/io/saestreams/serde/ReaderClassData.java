package io.saestreams.serde;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * The {@link SpecificData} of a deserializer's reader class: it answers the record's class
 * directly instead of loading it by schema name. Avro 1.12 refuses name-based loading of classes
 * not on its trusted list; the class the application handed to the deserializer is trusted by
 * construction, and no JVM-wide setting needs to change.
 */
public final class ReaderClassData extends SpecificData {
  private final Class<?> readerClass;
  private final String fullName;

  public ReaderClassData(Class<?> readerClass, Schema readerSchema) {
    super(readerClass.getClassLoader());
    this.readerClass = readerClass;
    this.fullName = readerSchema.getFullName();
  }

  @Override
  public Class<?> getClass(Schema schema) {
    if (schema.getType() == Schema.Type.RECORD && fullName.equals(schema.getFullName())) {
      return readerClass;
    }
    return super.getClass(schema);
  }
}

package io.saestreams.stream.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.saestreams.avro.InputVector;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The id-length and derived-record-size checks of {@link InputValidator}. */
class InputLimitsTest {
  private static final int DIM = 8;

  private static InputVector vector(String id, Map<String, String> attributes) {
    return InputVector.newBuilder()
        .setId(id)
        .setTimestamp(Instant.ofEpochMilli(1L))
        .setValues(new ArrayList<>(Collections.nCopies(DIM, 0.5f)))
        .setAttributes(attributes)
        .build();
  }

  private static Validated validate(InputLimits limits, byte[] key, InputVector v) {
    return new InputValidator((topic, bytes) -> v, DIM, limits).validate("in", key, new byte[] {1});
  }

  @Test
  void anIdUpToTheLimitIsValidOneByteMoreIsRejectedNamingTheSetting() {
    InputLimits limits = new InputLimits(10, InputLimits.DEFAULT_MAX_RECORD_BYTES);
    assertThat(validate(limits, null, vector("abcdefghij", null)).isValid()).isTrue();
    Validated v = validate(limits, null, vector("abcdefghijk", null));
    assertThat(v.isValid()).isFalse();
    assertThat(v.rejection().reason()).isEqualTo(Rejection.ID_TOO_LONG);
    assertThat(v.rejection().detail()).contains("11 bytes", "at most 10", "input.id.max.bytes");
  }

  @Test
  void theIdIsMeasuredInUtf8BytesNotCharacters() {
    InputLimits limits = new InputLimits(6, InputLimits.DEFAULT_MAX_RECORD_BYTES);
    assertThat(validate(limits, null, vector("ééé", null)).isValid()).as("3 chars, 6 bytes").isTrue();
    assertThat(validate(limits, null, vector("éééé", null)).rejection().reason()).isEqualTo(Rejection.ID_TOO_LONG);
  }

  @Test
  void aKeyOrAttributesThatWouldMakeADerivedRecordTooLargeAreRejectedNamingMaxRequestSize() {
    InputLimits limits = new InputLimits(1_024, 20_000);
    assertThat(validate(limits, new byte[5_000], vector("a", Map.of("k", "v".repeat(5_000)))).isValid()).isTrue();
    Validated byKey = validate(limits, new byte[19_000], vector("a", null));
    assertThat(byKey.rejection().reason()).isEqualTo(Rejection.RECORD_TOO_LARGE);
    assertThat(byKey.rejection().detail()).contains("max.request.size", "20000", "key 19000");
    Validated byAttributes = validate(limits, null, vector("a", Map.of("blob", "y".repeat(19_000))));
    assertThat(byAttributes.rejection().reason()).isEqualTo(Rejection.RECORD_TOO_LARGE);
  }

  @Test
  void aDimensionThatCannotFitIsReportedByFits() {
    InputLimits limits = new InputLimits(1_024, 1_048_576);
    assertThat(limits.fits(200_000)).isTrue();
    assertThat(limits.fits(262_144)).isFalse();
  }

  @Test
  void boundsAreChecked() {
    assertThatThrownBy(() -> new InputLimits(0, 1_048_576)).hasMessageContaining("maxIdBytes");
    assertThatThrownBy(() -> new InputLimits(1, 1_000)).hasMessageContaining("maxRecordBytes");
  }

  @ParameterizedTest
  @ValueSource(longs = {1L, 2L, 3L})
  void utf8LengthAgreesWithTheEncoder(long seed) {
    Random r = new Random(seed);
    for (int n = 0; n < 200; n++) {
      StringBuilder b = new StringBuilder();
      int len = r.nextInt(40);
      for (int i = 0; i < len; i++) {
        int kind = r.nextInt(4);
        int cp = switch (kind) {
          case 0 -> 0x20 + r.nextInt(0x5f);
          case 1 -> 0x80 + r.nextInt(0x780);
          case 2 -> 0x800 + r.nextInt(0xd000 - 0x800);
          default -> 0x10000 + r.nextInt(0x10000);
        };
        b.appendCodePoint(cp);
      }
      String s = b.toString();
      assertThat(InputValidator.utf8Length(s)).as("UTF-8 length of %s", s)
          .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void emptyAndNullHaveNoLength() {
    assertThat(InputValidator.utf8Length("")).isZero();
    assertThat(InputValidator.utf8Length(null)).isZero();
  }
}

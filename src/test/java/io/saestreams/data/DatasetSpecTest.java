package io.saestreams.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetSpecTest {
  @TempDir Path dir;

  @Test
  void parsesTheThreeForms() {
    assertThat(DatasetSpec.parse("synthetic"))
        .isEqualTo(new DatasetSpec(DatasetSpec.Kind.SYNTHETIC, null, Map.of()));
    assertThat(DatasetSpec.parse("idx:/data/mnist"))
        .isEqualTo(new DatasetSpec(DatasetSpec.Kind.IDX, Path.of("/data/mnist"), Map.of()));
    assertThat(DatasetSpec.parse(" csv:vectors.csv "))
        .isEqualTo(new DatasetSpec(DatasetSpec.Kind.CSV, Path.of("vectors.csv"), Map.of()));
    DatasetSpec s = DatasetSpec.parse("synthetic:dimension=16,features=1024,mean-active=600");
    assertThat(s.syntheticConfig(5))
        .isEqualTo(SyntheticConfig.defaults(5).withDimension(16).withFeatures(1024).withMeanActive(600));
    assertThat(s.toString()).isEqualTo("synthetic:dimension=16,features=1024,mean-active=600");
    assertThat(DatasetSpec.parse("synthetic:hierarchy=3,correlation=0.3,magnitude-spread=0.5")
        .syntheticConfig(5))
        .isEqualTo(SyntheticConfig.defaults(5).withHierarchy(3).withCorrelation(0.3)
            .withMagnitudeSpread(0.5));
    assertThat(DatasetSpec.parse("synthetic:hierarchy=7,child-coupling=1").syntheticConfig(5))
        .isEqualTo(SyntheticConfig.defaults(5).withHierarchy(7).withChildCoupling(1));
  }

  @Test
  void badStructureParametersAreNamed() {
    assertThatThrownBy(() -> DatasetSpec.parse("synthetic:hierarchy=2.5"))
        .hasMessage("data set 'synthetic:hierarchy=2.5': synthetic parameter 'hierarchy' has value "
            + "'2.5', which is not a number");
    assertThatThrownBy(() -> DatasetSpec.parse("synthetic:correlation=2"))
        .hasMessage("data set 'synthetic:correlation=2': correlation must be in [0, 1], got 2.0");
    assertThatThrownBy(() -> DatasetSpec.parse("synthetic:hierarchy=3,child-coupling=1.2"))
        .hasMessage("data set 'synthetic:hierarchy=3,child-coupling=1.2': childCoupling must be in [0, 1], got 1.2");
    assertThatThrownBy(() -> DatasetSpec.parse("synthetic:features=8,mean-active=7,hierarchy=3"))
        .hasMessageContaining("meanActive must be at most 3.5 with features=8 and hierarchy=3, got 7.0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mnist", "idx", "json:/x", "synthetics", "", "csv:"})
  void unknownFormsNameTheValueAndTheAllowedForms(String value) {
    assertThatThrownBy(() -> DatasetSpec.parse(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + value + "'")
        .hasMessageContaining("synthetic, synthetic:key=value")
        .hasMessageContaining("idx:PATH, csv:PATH");
  }

  @Test
  void badSyntheticParametersAreNamed() {
    assertThatThrownBy(() -> DatasetSpec.parse("synthetic:size=3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("data set 'synthetic:size=3': unknown synthetic parameter 'size'; known: "
            + "dimension, features, mean-active, decay, noise, anomalies, anomaly-scale, hierarchy, "
            + "correlation, magnitude-spread, child-coupling");
    assertThatThrownBy(() -> DatasetSpec.parse("synthetic:noise=lots"))
        .hasMessage("data set 'synthetic:noise=lots': synthetic parameter 'noise' has value 'lots', "
            + "which is not a number");
    assertThatThrownBy(() -> DatasetSpec.parse("synthetic:anomalies=2"))
        .hasMessage("data set 'synthetic:anomalies=2': anomalyFraction must be in [0, 1], got 2.0");
  }

  @Test
  void opensSyntheticWithLimitAndSeed() {
    DatasetSpec spec = DatasetSpec.parse("synthetic:dimension=8,features=16,mean-active=2");
    try (VectorSource a = spec.open(5, 11); VectorSource b = spec.open(5, 11);
        VectorSource c = spec.open(5, 12)) {
      assertThat(a.size()).isEqualTo(5);
      assertThat(a.dimension()).isEqualTo(8);
      var first = a.take(10);
      assertThat(first).hasSize(5);
      assertThat(b.take(10)).isEqualTo(first);
      assertThat(c.take(10)).isNotEqualTo(first);
    }
  }

  @Test
  void opensFilesWithLimit() throws IOException {
    Path csv = Files.writeString(dir.resolve("v.csv"), "id,a,b\nx,1,2\ny,3,4\nz,5,6\n");
    try (VectorSource s = DatasetSpec.parse("csv:" + csv).open(2, 0)) {
      assertThat(s.take(10)).extracting(LabelledVector::id).containsExactly("x", "y");
      assertThat(s.description()).endsWith("(first 2)");
    }
    IdxTestFiles.write(dir.resolve("train-images-idx3-ubyte"), IdxTestFiles.ubyteImages(6, 2, 2), false);
    try (VectorSource s = DatasetSpec.parse("idx:" + dir).open(-1, 0)) {
      assertThat(s.size()).isEqualTo(6);
      assertThat(s.take(10)).hasSize(6);
    }
    try (VectorSource s = DatasetSpec.parse("idx:" + dir).open(4, 0)) {
      assertThat(s.size()).isEqualTo(4);
      assertThat(s.take(10)).hasSize(4);
      assertThat(s.hasNext()).isFalse();
    }
  }
}

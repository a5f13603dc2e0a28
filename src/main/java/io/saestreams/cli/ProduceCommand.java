package io.saestreams.cli;

import io.saestreams.data.DatasetSpec;
import io.saestreams.data.VectorSource;
import io.saestreams.registry.RegistryClientConfig;
import io.saestreams.registry.SchemaRegistryClient;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a data set into a topic as Avro InputVector records. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Writes a data set into a topic as InputVector records (Avro, Confluent wire"
        + " format, schema registered under <topic>-value), keyed by record id.")
final class ProduceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--topic", defaultValue = "sae-input", description = "Target topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--dataset", defaultValue = "synthetic", description = "synthetic[:k=v,...], idx:PATH or csv:PATH (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--records", defaultValue = "100000", description = "Records to write at most (default: ${DEFAULT-VALUE}).")
  long records;

  @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", description = "Kafka brokers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(names = "--schema-registry-url", defaultValue = "http://localhost:8081", description = "Schema registry (default: ${DEFAULT-VALUE}).")
  String registryUrl;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    DatasetSpec data = DatasetSpec.parse(dataset);
    try (SchemaRegistryClient registry = new SchemaRegistryClient(RegistryClientConfig.of(registryUrl));
        VectorSource source = data.open(records, seed);
        DatasetProducer producer = new DatasetProducer(bootstrap, registry, topic, Map.of())) {
      long total = source.size() >= 0 ? Math.min(source.size(), records) : records;
      ProgressBar bar = new ProgressBar(out, "produce", total, !quiet);
      long sent = producer.send(source, done -> bar.update(done, ""));
      bar.finish(sent, "");
      out.println("wrote " + sent + " records of dimension " + source.dimension() + " to "
          + topic);
      out.flush();
    }
    return ExitCodes.OK;
  }
}

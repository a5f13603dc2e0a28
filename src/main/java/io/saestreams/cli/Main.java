package io.saestreams.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code sae-streams.jar}; the only class that calls {@link System#exit}. */
@Command(
    name = "sae-streams",
    mixinStandardHelpOptions = true,
    version = "sae-streams 0.1.0",
    description = "Online sparse autoencoder on Kafka Streams.",
    subcommands = {})
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}

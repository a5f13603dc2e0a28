package io.saestreams.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of {@code sae-streams.jar}; the only class that calls {@link System#exit}. */
@Command(
    name = "sae-streams",
    mixinStandardHelpOptions = true,
    version = "sae-streams 0.1.0",
    description = "Online sparse autoencoder on Kafka Streams.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      ProduceCommand.class,
      EvaluateCommand.class,
      SweepCommand.class,
      BenchCommand.class
    })
public final class Main {
  @Option(names = "--stacktrace", scope = CommandLine.ScopeType.INHERIT, description = "Print the full stack trace of an error.")
  boolean stacktrace;

  /** Runs the command line and returns the exit code (used by tests). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    Main main = new Main();
    CommandLine cl = new CommandLine(main);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          boolean trace = parseResult.hasMatchedOption("--stacktrace")
              || parseResult.subcommand() != null
                  && parseResult.subcommand().hasMatchedOption("--stacktrace");
          if (trace) {
            ex.printStackTrace(commandLine.getErr());
          } else {
            commandLine.getErr().println("error: " + ex.getMessage());
          }
          commandLine.getErr().flush();
          return ex instanceof IllegalArgumentException ? ExitCodes.USAGE : ExitCodes.FAILURE;
        });
    return cl.execute(args);
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(out, err, args));
  }
}

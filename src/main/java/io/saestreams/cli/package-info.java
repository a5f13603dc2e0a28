/**
 * The {@code sae-streams} command line (picocli): {@code demo}, {@code run}, {@code produce},
 * {@code evaluate}, {@code sweep} and {@code bench}, one class per command. {@link io.saestreams.cli.Main} is
 * the only class that ends the process with an exit code.
 */
package io.saestreams.cli;

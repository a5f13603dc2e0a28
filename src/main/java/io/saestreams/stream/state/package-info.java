/**
 * State store building blocks of the topology: {@link io.saestreams.stream.state.WriteBackStore},
 * a changelogged store whose writes stay in memory until the task commits.
 */
package io.saestreams.stream.state;

/**
 * How a command lends Ctrl-C to a long wait: the CLI turns SIGINT into an abort of the wait's signal,
 * and every layer that waits (the watch, the commands that run it) takes this type, so it lives at the
 * bottom.
 */

/** Runs `wait` with Ctrl-C turned into an abort of its signal (the CLI's withInterrupt). */
export type Interruptible = <T>(wait: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/** For callers without a terminal to interrupt them (tests): the signal never fires. */
export const uninterruptible: Interruptible = (wait) => wait(new AbortController().signal);

/**
 * How executors pace their calls to the API server: at most n requests at a time, and waiting for many
 * objects by polling the first one still pending (by the time it is ready most others are, so each
 * costs about one GET).
 */

/** Runs at most `n` of the given tasks at a time; each call resolves to its task's result. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

export interface PollOptions {
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/** Polls each item in turn until `ready` says so or the time is up; returns those still not ready. */
export async function awaitEach<T>(
  items: readonly T[],
  ready: (item: T) => Promise<boolean>,
  opts: PollOptions,
): Promise<T[]> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + opts.timeoutMs;
  const pending = [...items];
  while (pending.length > 0) {
    if (await ready(pending[0] as T)) pending.shift();
    else if (now() >= deadline) break;
    else await sleep(opts.intervalMs);
  }
  return pending;
}

/**
 * Waiting on something the bench can observe (an API object's state), never on a fixed delay: the
 * condition is checked at once, then every `intervalMs`, until it holds or the deadline passes.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

export interface WaitSpec {
  /** Named in the error at the deadline. */
  readonly what: string;
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Ends the wait early (the run is being torn down): resolves undefined. */
  readonly signal?: AbortSignal;
}

/** Resolves with the time (performance.now) the condition first held; throws at the deadline. */
export async function waitUntil(holds: () => Promise<boolean>, spec: WaitSpec): Promise<number | undefined> {
  const deadline = performance.now() + spec.timeoutMs;
  let lastError = '';
  for (;;) {
    if (spec.signal?.aborted) return undefined;
    try {
      if (await holds()) return performance.now();
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (performance.now() > deadline)
      throw new Error(
        `${spec.what}: not after ${Math.round(spec.timeoutMs / 1000)} s${lastError ? ` (last error: ${lastError})` : ''}`,
      );
    try {
      await delay(spec.intervalMs ?? 250, undefined, { signal: spec.signal });
    } catch {
      return undefined;
    }
  }
}

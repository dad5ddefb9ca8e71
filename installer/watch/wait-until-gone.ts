/**
 * Waits for named objects of one collection to disappear: one list, then a watch resumed from the
 * last resourceVersion (relisted when the server ends it or answers 410). Deletion can take minutes
 * (finalizers, namespace content), and a watch says "gone" the moment it happens, without polling.
 */
import type { Kube, WatchEvent } from '../systems/kube.js';

export interface GoneResult {
  /** Names still present when the wait ended (empty when all went). */
  readonly remaining: readonly string[];
  readonly reason: 'gone' | 'timeout' | 'aborted';
}

export async function waitUntilGone(
  kube: Kube,
  collectionPath: string,
  names: readonly string[],
  opts: {
    readonly timeoutMs: number;
    readonly signal?: AbortSignal | undefined;
    readonly onGone?: (name: string) => void;
  },
): Promise<GoneResult> {
  const remaining = new Set(names);
  if (remaining.size === 0) return { remaining: [], reason: 'gone' };
  let current: AbortController | undefined;
  let finished = false;
  const isFinished = () => finished;
  const drop = (name: string) => {
    if (remaining.delete(name)) opts.onGone?.(name);
  };

  return new Promise<GoneResult>((resolve, reject) => {
    const finish = (reason: GoneResult['reason']) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      current?.abort();
      resolve({ remaining: [...remaining].sort(), reason });
    };
    const onAbort = () => {
      finish('aborted');
    };
    const timer = setTimeout(() => {
      finish('timeout');
    }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort);

    const cycle = async (): Promise<void> => {
      if (finished) return;
      const list = await kube.listForWatch(collectionPath);
      const present = new Set(list.items.map((o) => o.metadata?.name ?? ''));
      for (const n of [...remaining]) if (!present.has(n)) drop(n);
      if (remaining.size === 0) {
        finish('gone');
        return;
      }
      const restart = () => {
        if (!finished)
          setTimeout(() => {
            cycle().catch(fail);
          }, 1000).unref();
      };
      current = await kube.watch(
        collectionPath,
        { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 120 },
        (e: WatchEvent) => {
          if (e.type === 'DELETED') {
            drop(e.object.metadata?.name ?? '');
            if (remaining.size === 0) finish('gone');
          }
          if (e.type === 'ERROR') current?.abort();
        },
        restart,
      );
      // The deadline or an abort may have come while the watch was opening.
      if (isFinished()) current.abort();
    };
    const fail = (err: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    cycle().catch(fail);
  });
}

/**
 * Waits for named objects of one collection to reach a state (gone, or being deleted): one list, then
 * a watch resumed from the last resourceVersion (relisted when the server ends it or answers 410).
 * Deletion can take minutes (finalizers, namespace content), and a watch says so the moment it
 * happens, without polling.
 */
import type { Kube, KubeObject, WatchEvent } from '../systems/kube.js';

export interface GoneResult {
  /** Names not yet in the state when the wait ended (empty when all reached it). */
  readonly remaining: readonly string[];
  readonly reason: 'gone' | 'timeout' | 'aborted';
}

export interface EachOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Called once per name, with the object as last seen (undefined when it is gone). */
  readonly onDone?: (name: string, o: KubeObject | undefined) => void;
}

export function waitUntilGone(
  kube: Kube,
  collectionPath: string,
  names: readonly string[],
  opts: EachOptions,
): Promise<GoneResult> {
  return waitUntilEach(kube, collectionPath, names, (o) => o === undefined, opts);
}

/** Waits until `done` holds for each named object (`done(undefined)` for one that is gone). */
export async function waitUntilEach(
  kube: Kube,
  collectionPath: string,
  names: readonly string[],
  done: (o: KubeObject | undefined) => boolean,
  opts: EachOptions,
): Promise<GoneResult> {
  const remaining = new Set(names);
  if (remaining.size === 0) return { remaining: [], reason: 'gone' };
  let current: AbortController | undefined;
  let finished = false;
  const isFinished = () => finished;
  const see = (name: string, o: KubeObject | undefined) => {
    if (!remaining.has(name) || !done(o)) return;
    remaining.delete(name);
    opts.onDone?.(name, o);
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
    if (opts.signal?.aborted === true) onAbort();

    const cycle = async (): Promise<void> => {
      if (finished) return;
      const list = await kube.listForWatch(collectionPath);
      const present = new Map(list.items.map((o) => [o.metadata?.name ?? '', o]));
      for (const n of [...remaining]) see(n, present.get(n));
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
          if (e.type === 'ERROR') current?.abort();
          else if (e.type !== 'BOOKMARK') {
            see(e.object.metadata?.name ?? '', e.type === 'DELETED' ? undefined : e.object);
            if (remaining.size === 0) finish('gone');
          }
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
      opts.signal?.removeEventListener('abort', onAbort);
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    cycle().catch(fail);
  });
}

/**
 * Follows Argo CD Applications through the Kubernetes watch API: one list, then one long watch with
 * bookmarks, resumed from the last resourceVersion whenever the server ends it. Supervised: errors
 * restart it with exponential backoff, 410 Gone relists, and a silence watchdog restarts a watch
 * that stopped delivering (half-open connections). It never polls with periodic GETs.
 */
import { ARGOCD_NAMESPACE } from '../constants.js';
import { applicationsPath } from '../systems/argocd.js';
import { isNotFound, isRefused, KubeApiError, type Kube, type KubeObject, type WatchEvent } from '../systems/kube.js';
import type { ArgoApplication } from './assess-application.js';

export interface WatchOptions {
  readonly namespace?: string;
  readonly labelSelector?: string | undefined;
  /** Restart a watch that delivered nothing (not even a bookmark) for this long. */
  readonly silenceMs?: number;
  readonly onChange: (name: string, app: ArgoApplication | undefined) => void;
  /** Lifecycle notes for verbose output: reconnects, relists. */
  readonly onNote?: (message: string) => void;
  /** A problem that retrying cannot fix (401, 403, the CRD missing). */
  readonly onFatal: (err: Error) => void;
}

export interface ApplicationWatch {
  readonly apps: ReadonlyMap<string, ArgoApplication>;
  /** Resolves after the first list. */
  readonly synced: Promise<void>;
  readonly stats: { lists: number; watches: number; restarts: number };
  stop(): void;
}

const MAX_BACKOFF_MS = 30_000;

export function watchApplications(kube: Kube, opts: WatchOptions): ApplicationWatch {
  const ns = opts.namespace ?? ARGOCD_NAMESPACE;
  const path = applicationsPath(ns);
  const apps = new Map<string, ArgoApplication>();
  const stats = { lists: 0, watches: 0, restarts: 0 };
  let rv = '';
  let stopped = false;
  let current: AbortController | undefined;
  let lastSeen = Date.now();
  let backoff = 1000;
  let timer: NodeJS.Timeout | undefined;
  let resolveSynced: () => void = () => undefined;
  const synced = new Promise<void>((r) => {
    resolveSynced = r;
  });
  const note = (m: string) => opts.onNote?.(m);
  const isStopped = () => stopped;

  const nameOf = (o: KubeObject) => o.metadata?.name ?? '';
  const set = (o: KubeObject) => {
    apps.set(nameOf(o), o);
    opts.onChange(nameOf(o), o);
  };

  async function list(): Promise<void> {
    stats.lists += 1;
    const res = await kube.listForWatch(path, opts.labelSelector);
    const seen = new Set<string>();
    for (const item of res.items) {
      seen.add(nameOf(item));
      set(item);
    }
    for (const name of [...apps.keys()])
      if (!seen.has(name)) {
        apps.delete(name);
        opts.onChange(name, undefined);
      }
    rv = res.metadata.resourceVersion;
  }

  function schedule(why: string, relist: boolean): void {
    if (stopped) return;
    stats.restarts += 1;
    note(`${why}; reconnecting in ${Math.round(backoff / 1000)}s`);
    clearTimeout(timer);
    timer = setTimeout(() => {
      void start(relist);
    }, backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }

  function onEvent(e: WatchEvent): void {
    lastSeen = Date.now();
    backoff = 1000;
    if (e.type === 'ERROR') {
      if (e.object.code === 410) {
        rv = '';
        current?.abort();
      }
      return;
    }
    if (e.object.metadata?.resourceVersion) rv = e.object.metadata.resourceVersion;
    if (e.type === 'BOOKMARK') return;
    if (e.type === 'DELETED') {
      apps.delete(nameOf(e.object));
      opts.onChange(nameOf(e.object), undefined);
      return;
    }
    set(e.object);
  }

  async function start(relist: boolean): Promise<void> {
    if (stopped) return;
    try {
      if (relist || rv === '') await list();
      resolveSynced();
      stats.watches += 1;
      lastSeen = Date.now();
      const ac = await kube.watch(
        path,
        {
          resourceVersion: rv,
          allowWatchBookmarks: true,
          timeoutSeconds: 300,
          labelSelector: opts.labelSelector,
        },
        onEvent,
        (err: unknown) => {
          if (stopped || current !== ac) return;
          current = undefined;
          const code = (err as { statusCode?: number } | null)?.statusCode;
          if (err === null || err === undefined) {
            void start(rv === '');
            return;
          } // the server ended the watch: resume
          if ((err as Error).name === 'AbortError') {
            void start(rv === '');
            return;
          } // our watchdog or a 410
          if (code === 410) {
            rv = '';
            void start(true);
            return;
          }
          if (code === 401 || code === 403) {
            opts.onFatal(
              new KubeApiError(
                code,
                code === 401 ? 'Unauthorized' : 'Forbidden',
                `watching Applications in ${ns} was refused (HTTP ${code})`,
              ),
            );
            return;
          }
          schedule(`watch failed: ${(err as Error).message || String(code)}`, false);
        },
      );
      // stop() may have run while the watch was being opened.
      if (isStopped()) {
        ac.abort();
        return;
      }
      current = ac;
    } catch (err) {
      if (isRefused(err) || isNotFound(err)) {
        opts.onFatal(
          isNotFound(err)
            ? new KubeApiError(
                404,
                'NotFound',
                `Argo CD Applications are not served in namespace ${ns}: is Argo CD installed?`,
              )
            : (err as KubeApiError),
        );
        return;
      }
      schedule(`listing Applications failed: ${(err as Error).message}`, true);
    }
  }

  const watchdog = setInterval(() => {
    if (stopped || current === undefined) return;
    if (Date.now() - lastSeen > (opts.silenceMs ?? 90_000)) {
      note('no events or bookmarks for a while; restarting the watch');
      stats.restarts += 1;
      lastSeen = Date.now();
      current.abort();
    }
  }, 5_000);
  watchdog.unref();

  void start(true);
  return {
    apps,
    synced,
    stats,
    stop() {
      stopped = true;
      clearInterval(watchdog);
      clearTimeout(timer);
      current?.abort();
      resolveSynced();
    },
  };
}

/**
 * Follows Argo CD Applications through the Kubernetes watch API: one list, then one long watch with
 * bookmarks, resumed from the last resourceVersion whenever the server ends it. It never polls with
 * periodic GETs. The decisions (backoff, 410 relists, the silence watchdog, what is fatal) are the
 * pure supervisor's (watch-supervisor.ts); this driver carries out its actions with the Kube system
 * and an injected clock, and feeds it back what the API server answered.
 */
import { ARGOCD_NAMESPACE } from '../core/constants.js';
import { applicationsPath } from '../systems/argocd.js';
import { KubeApiError, type Kube } from '../systems/kube.js';
import type { ArgoApplication } from './assess-application.js';
import {
  initialSupervisorState,
  step,
  WATCHDOG_EVERY_MS,
  type SupervisorAction,
  type SupervisorEvent,
  type WatchEnd,
} from './watch-supervisor.js';

/** Time as the watch sees it; tests pass one they move by hand. */
export interface Clock {
  now(): number;
  /** Runs `fn` once after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => {
      clearTimeout(timer);
    };
  },
};

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
  readonly clock?: Clock;
}

export interface ApplicationWatch {
  readonly apps: ReadonlyMap<string, ArgoApplication>;
  /** Resolves after the first list. */
  readonly synced: Promise<void>;
  readonly stats: { lists: number; watches: number; restarts: number };
  stop(): void;
}

/** How client-node's Watch reports the end of a stream: null when the server closed it. */
function endOf(err: unknown): WatchEnd {
  if (err === null || err === undefined) return { kind: 'closed' };
  if (err instanceof Error && err.name === 'AbortError') return { kind: 'aborted' };
  // A non-200 answer is an Error whose statusCode is the HTTP status; a network error has none.
  const code = (err as { statusCode?: unknown }).statusCode;
  return {
    kind: 'failed',
    code: typeof code === 'number' ? code : undefined,
    message: err instanceof Error ? err.message : '',
  };
}

export function watchApplications(kube: Kube, opts: WatchOptions): ApplicationWatch {
  const clock = opts.clock ?? realClock;
  const ns = opts.namespace ?? ARGOCD_NAMESPACE;
  const path = applicationsPath(ns);
  const apps = new Map<string, ArgoApplication>();
  const stats = { lists: 0, watches: 0, restarts: 0 };
  let state = initialSupervisorState({ namespace: ns, silenceMs: opts.silenceMs }, clock.now());
  // The watch request in flight. Its AbortController arrives only once the server has answered,
  // so an abort asked for before then is remembered and carried out on arrival.
  let current: { controller?: AbortController; aborted: boolean } | undefined;
  let cancelRetry: (() => void) | undefined;
  let cancelTick: (() => void) | undefined;
  let resolveSynced: () => void = () => undefined;
  const synced = new Promise<void>((r) => {
    resolveSynced = r;
  });

  // Events raised while actions are carried out (a caller's onChange that stops the watch) wait for
  // the step before them to finish, so each step's actions all run against the state they came from.
  const queue: SupervisorEvent[] = [];
  let dispatching = false;
  const dispatch = (event: SupervisorEvent) => {
    queue.push(event);
    if (dispatching) return;
    dispatching = true;
    try {
      for (let e = queue.shift(); e !== undefined; e = queue.shift()) {
        const next = step(state, e, clock.now());
        state = next.state;
        Object.assign(stats, state.stats);
        for (const action of next.actions) perform(action);
        if (state.phase === 'failed' || state.phase === 'stopped') cancelTick?.();
      }
    } finally {
      dispatching = false;
    }
  };

  const openWatch = (attempt: number, resourceVersion: string) => {
    const w: { controller?: AbortController; aborted: boolean } = { aborted: false };
    current = w;
    // client-node may report the end (a non-200 status, a refused connection) before it hands over
    // the controller, so the end is tied to the attempt, never to the controller.
    void kube
      .watch(
        path,
        { resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300, labelSelector: opts.labelSelector },
        (event) => {
          dispatch({ kind: 'watch-event', attempt, event });
        },
        (err: unknown) => {
          dispatch({ kind: 'watch-ended', attempt, end: endOf(err) });
        },
      )
      .then(
        (controller) => {
          if (w.aborted) controller.abort();
          else w.controller = controller;
        },
        (err: unknown) => {
          dispatch({ kind: 'watch-ended', attempt, end: { kind: 'failed', message: (err as Error).message } });
        },
      );
  };

  const perform = (a: SupervisorAction) => {
    switch (a.kind) {
      case 'list':
        void kube.listForWatch(path, opts.labelSelector).then(
          (res) => {
            dispatch({
              kind: 'listed',
              attempt: a.attempt,
              items: res.items,
              resourceVersion: res.metadata.resourceVersion,
            });
          },
          (err: unknown) => {
            const api = err instanceof KubeApiError ? err : undefined;
            dispatch({
              kind: 'list-failed',
              attempt: a.attempt,
              code: api?.code,
              reason: api?.reason,
              message: (err as Error).message,
            });
          },
        );
        return;
      case 'watch':
        openWatch(a.attempt, a.resourceVersion);
        return;
      case 'abort':
        if (current) {
          current.aborted = true;
          current.controller?.abort();
          current = undefined;
        }
        return;
      case 'retry-after':
        cancelRetry = clock.after(a.afterMs, () => {
          cancelRetry = undefined;
          dispatch({ kind: 'retry-due', attempt: a.attempt });
        });
        return;
      case 'cancel-retry':
        cancelRetry?.();
        cancelRetry = undefined;
        return;
      case 'change':
        if (a.app) apps.set(a.name, a.app);
        else apps.delete(a.name);
        opts.onChange(a.name, a.app);
        return;
      case 'synced':
        resolveSynced();
        return;
      case 'note':
        opts.onNote?.(a.message);
        return;
      case 'fatal':
        opts.onFatal(new KubeApiError(a.code, a.reason, a.message));
        return;
    }
  };

  // The watchdog's tick; it ends with the watch (see dispatch), so a failed watch keeps nothing scheduled.
  const tick = () => {
    cancelTick = clock.after(WATCHDOG_EVERY_MS, () => {
      if (state.phase === 'failed' || state.phase === 'stopped') return;
      tick();
      dispatch({ kind: 'tick' });
    });
  };
  tick();
  dispatch({ kind: 'start' });
  return {
    apps,
    synced,
    stats,
    stop() {
      cancelTick?.();
      dispatch({ kind: 'stop' });
    },
  };
}

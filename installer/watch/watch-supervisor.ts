/**
 * The supervisor of the Application watch as a pure state machine: `step(state, event, now)` returns
 * the next state and the actions its driver (watch-applications.ts) carries out. One list, then one
 * long watch with bookmarks, resumed from the last resourceVersion; errors retry with exponential
 * backoff, 410 Gone relists, a silence watchdog restarts a watch that stopped delivering, and what
 * retrying cannot fix (401, 403, Applications not served) is fatal. Time only enters as `now`, and
 * state and actions are plain data, so every transition is tested without a clock or a server.
 *
 * Each list or watch request gets the next `attempt` number, and the driver echoes it in the events
 * that request causes: an answer from a request the machine has moved on from (a watch it aborted
 * still reports its end) is stale and dropped.
 */
import type { KubeObject, WatchEvent } from '../systems/kube.js';

/** The first retry delay, doubled on each failure in a row up to the cap, reset by any watch event. */
export const FIRST_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 30_000;
/** Argo CD rewrites each Application's reconciledAt every few minutes, and bookmarks come every minute. */
export const DEFAULT_SILENCE_MS = 90_000;
/** How often the driver sends `tick`, i.e. how late the watchdog may notice a silence. */
export const WATCHDOG_EVERY_MS = 5_000;

export interface SupervisorState {
  readonly namespace: string;
  readonly silenceMs: number;
  /** `backing-off`: a retry is scheduled; `failed` and `stopped` are final. */
  readonly phase: 'idle' | 'listing' | 'watching' | 'backing-off' | 'failed' | 'stopped';
  readonly attempt: number;
  /** Whether the scheduled retry lists first (a failed list) or resumes the watch (a failed watch). */
  readonly relist: boolean;
  /** Where the next watch starts; '' means there is none and the next request is a list. */
  readonly resourceVersion: string;
  readonly backoffMs: number;
  /** When the current watch was requested or last delivered anything (an event, a bookmark). */
  readonly lastSeen: number;
  readonly synced: boolean;
  /** The Applications the driver holds, so a relist can tell which ones went away meanwhile. */
  readonly names: readonly string[];
  readonly stats: { readonly lists: number; readonly watches: number; readonly restarts: number };
}

/** How a watch request ended, as the driver saw it. */
export type WatchEnd =
  /** The server closed the stream (it ends every watch after `timeoutSeconds`). */
  | { readonly kind: 'closed' }
  /** The request was aborted, by someone other than this machine (those ends are stale). */
  | { readonly kind: 'aborted' }
  /** An HTTP status other than 200 (`code`), or a network error (no code). */
  | { readonly kind: 'failed'; readonly code?: number | undefined; readonly message: string };

export type SupervisorEvent =
  | { readonly kind: 'start' }
  | {
      readonly kind: 'listed';
      readonly attempt: number;
      readonly items: readonly KubeObject[];
      readonly resourceVersion: string;
    }
  /** `code` is the API server's HTTP status when it answered; absent when it could not be reached. */
  | {
      readonly kind: 'list-failed';
      readonly attempt: number;
      readonly code?: number | undefined;
      readonly reason?: string | undefined;
      readonly message: string;
    }
  | { readonly kind: 'watch-event'; readonly attempt: number; readonly event: WatchEvent }
  | { readonly kind: 'watch-ended'; readonly attempt: number; readonly end: WatchEnd }
  /** The retry scheduled by `retry-after` is due. */
  | { readonly kind: 'retry-due'; readonly attempt: number }
  /** Every `WATCHDOG_EVERY_MS`. */
  | { readonly kind: 'tick' }
  | { readonly kind: 'stop' };

export type SupervisorAction =
  | { readonly kind: 'list'; readonly attempt: number }
  | { readonly kind: 'watch'; readonly attempt: number; readonly resourceVersion: string }
  /** Abort the watch request in flight; its end will come back stale. */
  | { readonly kind: 'abort' }
  /** Send `retry-due` with this attempt after `afterMs`. */
  | { readonly kind: 'retry-after'; readonly attempt: number; readonly afterMs: number }
  | { readonly kind: 'cancel-retry' }
  /** An Application as it now is, or undefined once it is gone. */
  | { readonly kind: 'change'; readonly name: string; readonly app: KubeObject | undefined }
  /** The first list is in (or the watch stopped before it was): the driver's `synced` resolves. */
  | { readonly kind: 'synced' }
  | { readonly kind: 'note'; readonly message: string }
  | { readonly kind: 'fatal'; readonly code: number; readonly reason: string; readonly message: string };

export interface Step {
  readonly state: SupervisorState;
  readonly actions: readonly SupervisorAction[];
}

export function initialSupervisorState(
  opts: { namespace: string; silenceMs?: number | undefined },
  now: number,
): SupervisorState {
  return {
    namespace: opts.namespace,
    silenceMs: opts.silenceMs ?? DEFAULT_SILENCE_MS,
    phase: 'idle',
    attempt: 0,
    relist: false,
    resourceVersion: '',
    backoffMs: FIRST_BACKOFF_MS,
    lastSeen: now,
    synced: false,
    names: [],
    stats: { lists: 0, watches: 0, restarts: 0 },
  };
}

const nameOf = (o: KubeObject) => o.metadata?.name ?? '';

/** The next request: a list when asked or when there is no resourceVersion to resume from, else a watch. */
function request(s: SupervisorState, relist: boolean, now: number): Step {
  if (!relist && s.resourceVersion !== '') return watchFrom(s, now);
  const attempt = s.attempt + 1;
  return {
    state: { ...s, phase: 'listing', attempt, stats: { ...s.stats, lists: s.stats.lists + 1 } },
    actions: [{ kind: 'list', attempt }],
  };
}

function watchFrom(s: SupervisorState, now: number): Step {
  const attempt = s.attempt + 1;
  return {
    // The silence is counted from the request: a watch that never answers is as dead as one that stops.
    state: { ...s, phase: 'watching', attempt, lastSeen: now, stats: { ...s.stats, watches: s.stats.watches + 1 } },
    actions: [{ kind: 'watch', attempt, resourceVersion: s.resourceVersion }],
  };
}

/** Retry after the current backoff, doubling it for the next failure in a row. */
function backOff(s: SupervisorState, why: string, relist: boolean): Step {
  return {
    state: {
      ...s,
      phase: 'backing-off',
      relist,
      backoffMs: Math.min(s.backoffMs * 2, MAX_BACKOFF_MS),
      stats: { ...s.stats, restarts: s.stats.restarts + 1 },
    },
    actions: [
      { kind: 'note', message: `${why}; reconnecting in ${Math.round(s.backoffMs / 1000)}s` },
      { kind: 'retry-after', attempt: s.attempt, afterMs: s.backoffMs },
    ],
  };
}

const prefixed = (first: readonly SupervisorAction[], next: Step): Step => ({
  state: next.state,
  actions: [...first, ...next.actions],
});

const fatal = (s: SupervisorState, code: number, reason: string, message: string): Step => ({
  state: { ...s, phase: 'failed' },
  actions: [{ kind: 'fatal', code, reason, message }],
});

/** A list replaces what the driver holds: every item as listed, and whatever it lacks is gone. */
function listed(s: SupervisorState, items: readonly KubeObject[], resourceVersion: string, now: number): Step {
  const names = items.map(nameOf);
  const changes: SupervisorAction[] = items.map((app) => ({ kind: 'change', name: nameOf(app), app }));
  for (const gone of s.names.filter((n) => !names.includes(n)))
    changes.push({ kind: 'change', name: gone, app: undefined });
  if (!s.synced) changes.push({ kind: 'synced' });
  // Watch from the list's resourceVersion whatever it is: a server that gave none is watched from now.
  return prefixed(changes, watchFrom({ ...s, names, resourceVersion, synced: true }, now));
}

function watchEvent(s: SupervisorState, e: WatchEvent, now: number): Step {
  // Anything at all proves the connection alive and the server answering: the backoff starts over.
  const seen = { ...s, lastSeen: now, backoffMs: FIRST_BACKOFF_MS };
  if (e.type === 'ERROR') {
    // 410 Gone: the resourceVersion is older than the server keeps (etcd compacted). Only a new
    // list can say what changed meanwhile. Other ERROR events are followed by the server's close.
    if (e.object.code !== 410) return { state: seen, actions: [] };
    return prefixed([{ kind: 'abort' }], request({ ...seen, resourceVersion: '' }, true, now));
  }
  const rv = e.object.metadata?.resourceVersion;
  const at = rv ? { ...seen, resourceVersion: rv } : seen;
  // A bookmark only moves the resourceVersion forward, so a resumed watch does not replay history.
  if (e.type === 'BOOKMARK') return { state: at, actions: [] };
  const name = nameOf(e.object);
  const others = s.names.filter((n) => n !== name);
  if (e.type === 'DELETED')
    return { state: { ...at, names: others }, actions: [{ kind: 'change', name, app: undefined }] };
  return { state: { ...at, names: [...others, name] }, actions: [{ kind: 'change', name, app: e.object }] };
}

function watchEnded(s: SupervisorState, end: WatchEnd, now: number): Step {
  // The server ending a watch is routine (timeoutSeconds), and an abort we did not ask for (a client
  // timeout) is not the server's fault: resume at once from where the stream stopped.
  if (end.kind !== 'failed') return request(s, false, now);
  const { code } = end;
  // 410 on the watch request itself: same as the ERROR event, the resourceVersion is too old.
  if (code === 410) return request({ ...s, resourceVersion: '' }, true, now);
  // Credentials or RBAC: retrying sends the same refused request again.
  if (code === 401 || code === 403)
    return fatal(
      s,
      code,
      code === 401 ? 'Unauthorized' : 'Forbidden',
      `watching Applications in ${s.namespace} was refused (HTTP ${code})`,
    );
  // Anything else (5xx, a reset connection, a stream cut mid-event) may pass: retry later, from the
  // last complete event, since nothing says the resourceVersion went stale.
  return backOff(s, `watch failed: ${end.message || String(code)}`, false);
}

function listFailed(s: SupervisorState, e: Extract<SupervisorEvent, { kind: 'list-failed' }>): Step {
  if (e.code === 401 || e.code === 403) return fatal(s, e.code, e.reason ?? String(e.code), e.message);
  // The Application resource itself is missing: Argo CD's CRDs are not installed (or this is the
  // wrong namespace); waiting will not install them.
  if (e.code === 404)
    return fatal(
      s,
      404,
      'NotFound',
      `Argo CD Applications are not served in namespace ${s.namespace}: is Argo CD installed?`,
    );
  return backOff(s, `listing Applications failed: ${e.message}`, true);
}

export function step(s: SupervisorState, e: SupervisorEvent, now: number): Step {
  const idle: Step = { state: s, actions: [] };
  if (s.phase === 'failed' || s.phase === 'stopped') return idle;
  switch (e.kind) {
    case 'start':
      return s.phase === 'idle' ? request(s, true, now) : idle;
    case 'stop':
      return {
        state: { ...s, phase: 'stopped' },
        actions: [
          ...(s.phase === 'watching' ? [{ kind: 'abort' } as const] : []),
          ...(s.phase === 'backing-off' ? [{ kind: 'cancel-retry' } as const] : []),
          // Whoever awaits the first list must not wait forever for a watch that was stopped.
          ...(s.synced ? [] : [{ kind: 'synced' } as const]),
        ],
      };
    case 'tick':
      // The watchdog: a watch silent for longer than the server's bookmarks and Argo CD's own
      // updates allow is a half-open connection that would otherwise hang for good.
      if (s.phase !== 'watching' || now - s.lastSeen <= s.silenceMs) return idle;
      return prefixed(
        [{ kind: 'note', message: 'no events or bookmarks for a while; restarting the watch' }, { kind: 'abort' }],
        request({ ...s, stats: { ...s.stats, restarts: s.stats.restarts + 1 } }, false, now),
      );
    default:
      break;
  }
  if (e.attempt !== s.attempt) return idle; // stale: from a request already superseded
  switch (e.kind) {
    case 'listed':
      return s.phase === 'listing' ? listed(s, e.items, e.resourceVersion, now) : idle;
    case 'list-failed':
      return s.phase === 'listing' ? listFailed(s, e) : idle;
    case 'watch-event':
      return s.phase === 'watching' ? watchEvent(s, e.event, now) : idle;
    case 'watch-ended':
      return s.phase === 'watching' ? watchEnded(s, e.end, now) : idle;
    case 'retry-due':
      return s.phase === 'backing-off' ? request(s, s.relist, now) : idle;
  }
}

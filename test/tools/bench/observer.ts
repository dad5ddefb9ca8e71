/**
 * The bench's own view of the install, independent of the process being measured: a watch on the
 * Argo CD Applications (the installer's watchApplications code, with the bench's own connection) that
 * keeps a trimmed snapshot of every event with the time it arrived. Readiness is judged afterwards
 * (or live) with the installer's assessApplication, so every method is held to the same definition:
 * Synced at the pushed commit, Healthy, last operation Succeeded.
 */
import { performance } from 'node:perf_hooks';
import { ARGOCD_NAMESPACE, LABEL_MANAGED_BY, ROOT_APP_NAME, TOOL } from '../../../installer/core/constants.js';
import type { Kube, KubeObject } from '../../../installer/systems/kube.js';
import { assessApplication, type ArgoApplication } from '../../../installer/watch/assess-application.js';
import { watchApplications } from '../../../installer/watch/watch-applications.js';
import { waitUntil } from './wait.js';

interface Timestamps {
  healthTransition?: string | undefined;
  operationFinished?: string | undefined;
  reconciled?: string | undefined;
}

type TrimmedApplication = ArgoApplication & { metadata?: { resourceVersion?: string | undefined } };

export interface Snapshot {
  readonly at: number;
  readonly app: TrimmedApplication | undefined;
  readonly times: Timestamps;
}

interface FullStatus {
  health?: { status?: string; lastTransitionTime?: string };
  operationState?: {
    phase?: string;
    finishedAt?: string;
    startedAt?: string;
    syncResult?: { revision?: string; revisions?: string[] };
    operation?: { sync?: { revision?: string; revisions?: string[] } };
  };
  reconciledAt?: string;
}

/** Only what readiness depends on (resources are dropped: they do not change the phase). */
function trim(app: ArgoApplication | undefined): TrimmedApplication | undefined {
  if (!app) return undefined;
  const st = (app.status ?? {}) as FullStatus & NonNullable<ArgoApplication['status']>;
  const op = st.operationState;
  return {
    metadata: {
      name: app.metadata?.name,
      resourceVersion: (app.metadata as { resourceVersion?: string } | undefined)?.resourceVersion,
      deletionTimestamp: app.metadata?.deletionTimestamp,
      annotations: { [SYNC_WAVE]: app.metadata?.annotations?.[SYNC_WAVE] ?? '0' },
    },
    status: {
      sync: st.sync,
      health: st.health,
      conditions: st.conditions,
      reconciledAt: st.reconciledAt,
      operationState: op
        ? {
            phase: op.phase,
            syncResult: op.syncResult
              ? { revision: op.syncResult.revision, revisions: op.syncResult.revisions }
              : undefined,
            operation: op.operation,
          }
        : undefined,
    },
  };
}

export interface Observer {
  readonly snapshots: ReadonlyMap<string, readonly Snapshot[]>;
  readonly stats: { readonly lists: number; readonly watches: number; restarts: number };
  /**
   * Resolves with the time (performance.now) `holds` is first true, checked now and after every event,
   * or with undefined at the deadline.
   */
  until(holds: () => boolean, timeoutMs: number): Promise<number | undefined>;
  /** Resolves with the time every named component is ready at `revision`, or undefined at the timeout. */
  allReady(revision: string, names: readonly string[], timeoutMs: number): Promise<number | undefined>;
  /**
   * Whether the observer has had the event of each listed Application at its listed resourceVersion
   * (a LIST made after the measured process ended): then it has seen every change up to that list.
   */
  hasSeen(items: readonly { readonly name: string; readonly resourceVersion: string }[]): boolean;
  stop(): void;
}

export function startObserver(kube: Kube, log: (m: string) => void): Observer {
  const snapshots = new Map<string, Snapshot[]>();
  // Each pending `until`: its check (run after every event) and its cancel (run by stop).
  const waiters = new Map<() => void, () => void>();
  const watch = watchApplications(kube, {
    namespace: ARGOCD_NAMESPACE,
    labelSelector: `${LABEL_MANAGED_BY}=${TOOL}`,
    onChange: (name, app) => {
      const st: FullStatus | undefined = app?.status;
      const list = snapshots.get(name) ?? [];
      list.push({
        at: performance.now(),
        app: trim(app),
        times: {
          healthTransition: st?.health?.lastTransitionTime,
          operationFinished: st?.operationState?.finishedAt,
          reconciled: st?.reconciledAt,
        },
      });
      snapshots.set(name, list);
      for (const check of [...waiters.keys()]) check();
    },
    onNote: (m) => {
      log(`observer: ${m}`);
    },
    onFatal: (err) => {
      log(`observer: watch failed for good: ${err.message}`);
    },
  });
  const until = (holds: () => boolean, timeoutMs: number) =>
    new Promise<number | undefined>((resolve) => {
      const done = (at: number | undefined) => {
        clearTimeout(timer);
        waiters.delete(check);
        resolve(at);
      };
      const check = () => {
        if (holds()) done(performance.now());
      };
      const timer = setTimeout(() => {
        done(undefined);
      }, timeoutMs);
      waiters.set(check, () => {
        done(undefined);
      });
      check();
    });
  return {
    snapshots,
    stats: watch.stats,
    until,
    allReady: (revision, names, timeoutMs) =>
      until(
        () => names.every((n) => assessApplication(snapshots.get(n)?.at(-1)?.app, revision).phase === 'ready'),
        timeoutMs,
      ),
    hasSeen: (items) =>
      items.every((i) =>
        (snapshots.get(i.name) ?? []).some((s) => s.app?.metadata?.resourceVersion === i.resourceVersion),
      ),
    stop: () => {
      watch.stop();
      for (const cancel of [...waiters.values()]) cancel();
    },
  };
}

const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** Each observed component's sync wave, as its Application says. */
export function componentWaves(o: Observer): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, snaps] of o.snapshots) {
    const wave = snaps.at(-1)?.app?.metadata?.annotations?.[SYNC_WAVE];
    if (name !== ROOT_APP_NAME) out[name] = Number.parseInt(wave ?? '0', 10) || 0;
  }
  return out;
}

/** Children seen by the observer (every managed Application but the root). */
export function observedComponents(o: Observer): string[] {
  return [...o.snapshots.keys()].filter((n) => n !== ROOT_APP_NAME).sort();
}

export interface Readiness {
  /** Per component: when the observer saw it become ready for the last time (perf clock), if it ended ready. */
  readonly readyAt: Record<string, number | undefined>;
  /** Per component: when it became ready per Argo CD's own timestamps (epoch ms, 1 s resolution). */
  readonly argoReadyAt: Record<string, number | undefined>;
  readonly allReadyAt: number | undefined;
  readonly lastComponent: string | undefined;
  readonly argoAllReadyAt: number | undefined;
  readonly argoLastComponent: string | undefined;
}

/**
 * When each component became ready (and stayed so to the end of the observation), by the observer's
 * clock and by Argo CD's status timestamps: the later of health.lastTransitionTime and
 * operationState.finishedAt of the final snapshot (RFC 3339, whole seconds).
 */
export function readiness(o: Observer, revision: string, names: readonly string[]): Readiness {
  const readyAt: Record<string, number | undefined> = {};
  const argoReadyAt: Record<string, number | undefined> = {};
  for (const n of names) {
    const snaps = snapshots(o, n);
    let at: number | undefined;
    for (const s of snaps) {
      if (assessApplication(s.app, revision).phase === 'ready') at ??= s.at;
      else at = undefined;
    }
    readyAt[n] = at;
    const last = snaps.at(-1);
    const stamps = [last?.times.healthTransition, last?.times.operationFinished]
      .filter((t): t is string => t !== undefined)
      .map((t) => Date.parse(t));
    argoReadyAt[n] = at !== undefined && stamps.length > 0 ? Math.max(...stamps) : undefined;
  }
  const latest = (m: Record<string, number | undefined>) => {
    const entries = names.map((n) => [n, m[n]] as const);
    if (entries.some(([, v]) => v === undefined) || entries.length === 0) return { at: undefined, name: undefined };
    const [name, at] = entries.reduce((a, b) => ((b[1] ?? 0) > (a[1] ?? 0) ? b : a));
    return { at, name };
  };
  const obs = latest(readyAt);
  const argo = latest(argoReadyAt);
  return {
    readyAt,
    argoReadyAt,
    allReadyAt: obs.at,
    lastComponent: obs.name,
    argoAllReadyAt: argo.at,
    argoLastComponent: argo.name,
  };
}

function snapshots(o: Observer, name: string): readonly Snapshot[] {
  return o.snapshots.get(name) ?? [];
}

/**
 * The observer, once the Application CRD is Established (at once where Argo CD is already there; on an
 * empty cluster once whoever installs Argo CD has created it: a watch of an unserved kind fails for good).
 */
export async function observeWhenServed(
  kube: Kube,
  opts: { readonly log: (m: string) => void; readonly timeoutMs: number; readonly signal: AbortSignal },
): Promise<Observer | undefined> {
  const established = await waitUntil(
    async () => {
      const crd = await kube.get<KubeObject & { status?: { conditions?: { type?: string; status?: string }[] } }>({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: 'applications.argoproj.io',
      });
      return crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
    },
    { what: 'the Application CRD Established', timeoutMs: opts.timeoutMs, signal: opts.signal },
  );
  return established === undefined ? undefined : startObserver(kube, opts.log);
}

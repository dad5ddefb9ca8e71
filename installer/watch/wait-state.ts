/**
 * The state of the wait-machine, what it is built from, and the pure helpers it decides with. The
 * state is plain data: `step` never changes the state it is given (it works on a copy, see draftOf).
 */
import type { ComponentState, GroupVersionKind } from './assess-application.js';

/** What to wait for, and for how long: fixed for one wait. */
export interface WaitPlan {
  readonly components: readonly { readonly name: string; readonly wave: number }[];
  readonly expectedRevision: string;
  readonly componentTimeoutMs: number;
  readonly overallTimeoutMs: number;
  readonly failureGraceMs: number;
  /**
   * The app-of-apps. A component follows the fork's branch by itself, so it can be Synced at the
   * pushed revision while still running the Application spec of the commit before (a path, a sync
   * option the push changed) until the root applies the new one: ready also needs the root ready.
   */
  readonly root?: string | undefined;
  /**
   * Components Argo CD's sync windows keep from syncing when the wait starts, with when the window
   * opens (undefined: not within a year): their state says so instead of a silent wait, and one that
   * opens after the overall timeout ends the wait at once.
   */
  readonly windows?: ReadonlyMap<string, number | undefined> | undefined;
}

export type WaitOutcome =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly components: readonly string[] }
  | { readonly kind: 'timeout'; readonly components: readonly string[] }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'error'; readonly error: Error };

/** When an Application was last refreshed by a nudge, and how long until the next one may be. */
export interface Refreshed {
  readonly at: number;
  readonly every: number;
}

export interface WaitState {
  readonly plan: WaitPlan;
  /** The components' names, each once, in the plan's order. */
  readonly names: readonly string[];
  readonly started: number;
  readonly listed: boolean;
  readonly done: boolean;
  readonly states: ReadonlyMap<string, ComponentState>;
  /** Counts each component's updates: an API server answer for an older state is dropped. */
  readonly generations: ReadonlyMap<string, number>;
  readonly rootState: ComponentState | undefined;
  /**
   * When Argo CD compared the root first seen by this wait (its status.reconciledAt), and whether the
   * root's state comes from a comparison made during this wait: a stale one (a run before fixed the
   * credentials) must not end it.
   */
  readonly rootFirstCompared: string | undefined;
  readonly rootComparedNow: boolean;
  /** The repository the root reads, for the message when Argo CD cannot. */
  readonly rootRepoURL: string | undefined;
  readonly readyAt: ReadonlyMap<string, number>;
  /** When every component last became ready together: the root's own timeout runs from then. */
  readonly allReadyAt: number | undefined;
  readonly failingSince: ReadonlyMap<string, number>;
  /** When every lower wave was ready: a component's own timeout runs from then. */
  readonly unblockedAt: ReadonlyMap<string, number>;
  readonly refreshedAt: ReadonlyMap<string, Refreshed>;
  /** The root's reason last noted, so each is said once. */
  readonly rootNoted: string;
  /** Components already noted as waiting on Argo CD's stale view of their CRDs. */
  readonly staleNoted: ReadonlySet<string>;
  /** CRDs the API server has said are Established. */
  readonly established: ReadonlySet<string>;
  /** The API server has the object the root's running sync waits for: Argo CD is only behind. */
  readonly rootAwaitedPresent: boolean;
  /** When Argo CD was last made to reload its API schema for a component (see schemaAnswered). */
  readonly schemaReloads: ReadonlyMap<string, Refreshed>;
  /** Components whose kind Argo CD's schema lacks but the API server serves: Argo CD is only behind. */
  readonly schemaServed: ReadonlySet<string>;
}

export function initialWaitState(plan: WaitPlan, now: number): WaitState {
  return {
    plan,
    names: [...new Set(plan.components.map((c) => c.name))],
    started: now,
    listed: false,
    done: false,
    states: new Map(),
    generations: new Map(),
    rootState: undefined,
    rootFirstCompared: undefined,
    rootComparedNow: false,
    rootRepoURL: undefined,
    readyAt: new Map(),
    allReadyAt: undefined,
    failingSince: new Map(),
    unblockedAt: new Map(),
    refreshedAt: new Map(),
    rootNoted: '',
    staleNoted: new Set(),
    established: new Set(),
    rootAwaitedPresent: false,
    schemaReloads: new Map(),
    schemaServed: new Set(),
  };
}

/** A copy of the state that one step may change. */
export interface Draft {
  readonly plan: WaitPlan;
  readonly names: readonly string[];
  readonly started: number;
  listed: boolean;
  done: boolean;
  readonly states: Map<string, ComponentState>;
  readonly generations: Map<string, number>;
  rootState: ComponentState | undefined;
  rootFirstCompared: string | undefined;
  rootComparedNow: boolean;
  rootRepoURL: string | undefined;
  readonly readyAt: Map<string, number>;
  allReadyAt: number | undefined;
  readonly failingSince: Map<string, number>;
  readonly unblockedAt: Map<string, number>;
  readonly refreshedAt: Map<string, Refreshed>;
  rootNoted: string;
  readonly staleNoted: Set<string>;
  readonly established: Set<string>;
  rootAwaitedPresent: boolean;
  readonly schemaReloads: Map<string, Refreshed>;
  readonly schemaServed: Set<string>;
}

export function draftOf(s: WaitState): Draft {
  return {
    ...s,
    states: new Map(s.states),
    generations: new Map(s.generations),
    readyAt: new Map(s.readyAt),
    failingSince: new Map(s.failingSince),
    unblockedAt: new Map(s.unblockedAt),
    refreshedAt: new Map(s.refreshedAt),
    staleNoted: new Set(s.staleNoted),
    established: new Set(s.established),
    schemaReloads: new Map(s.schemaReloads),
    schemaServed: new Set(s.schemaServed),
  };
}

/** Waiting or Degraded only on CRD health or diff entries (a failed sync of a CRD is not this). */
export const crdOnly = (s: ComponentState): boolean =>
  s.problems.length > 0 &&
  s.problems.every(
    (p) =>
      p.resource.startsWith('CustomResourceDefinition ') &&
      ['Degraded', 'Progressing', 'Missing', 'OutOfSync'].includes(p.status),
  );

/** The CRD names a crdOnly state's problems are about. */
export const crdNamesOf = (s: ComponentState): string[] =>
  s.problems.map((p) => p.resource.slice(p.resource.lastIndexOf('/') + 1).replace(/^CustomResourceDefinition /, ''));

/**
 * The next nudge of an Application, or undefined while the last one is too recent: at once, then
 * after 20 s, 40 s, 80 s and every 2 min. A new sync operation starts the series again.
 */
export function nextRefresh(last: Refreshed | undefined, now: number): Refreshed | undefined {
  if (last !== undefined && now - last.at < last.every) return undefined;
  return { at: now, every: last === undefined ? 20_000 : Math.min(last.every * 2, 120_000) };
}

export const rootWaitNote = (root: string, expectedRevision: string, reason: string): string =>
  `every component is ready; waiting for the root Application "${root}" to apply ${expectedRevision.slice(0, 7)} too: ${reason}`;

/**
 * Whether a comparison at `reconciledAt` was made during a wait that started at `started`: newer than
 * the first one the wait saw, or (the root being applied just before the wait) no more than 10 s
 * before it started, which allows for the cluster's clock being a little behind.
 */
export function comparedDuringWait(
  reconciledAt: string | undefined,
  first: string | undefined,
  started: number,
): boolean {
  if (reconciledAt === undefined) return false;
  if (first !== undefined && reconciledAt !== first) return true;
  const at = Date.parse(reconciledAt);
  return !Number.isNaN(at) && at >= started - 10_000;
}

export const repoUnreachableNote = (root: string, repoURL: string | undefined, reason: string): string =>
  `Argo CD cannot read the repository of the root Application "${root}"${repoURL ? ` (${repoURL})` : ''}: ${reason}. Check the URL Argo CD reads (--argocd-repo-url) and its credentials (a Secret in argocd labelled argocd.argoproj.io/secret-type: repository), then run the same command again`;

/** When a component's sync window opens, if it is closed at `now`; null when it is open. */
export function windowClosedUntil(plan: WaitPlan, name: string, now: number): number | undefined | null {
  if (plan.windows?.has(name) !== true) return null;
  const opensAt = plan.windows.get(name);
  return opensAt === undefined || opensAt > now ? opensAt : null;
}

export const windowReason = (opensAt: number | undefined): string =>
  `sync window closed until ${opensAt === undefined ? 'a time more than a year away' : new Date(opensAt).toISOString()}`;

export const windowNote = (names: readonly string[], opensAt: number | undefined): string =>
  `${names.join(', ')}: Argo CD's sync window is closed until ${opensAt === undefined ? 'more than a year from now' : new Date(opensAt).toISOString()}, after this run's timeout; Argo CD syncs ${names.length === 1 ? 'it' : 'them'} then (kubeflow-gitops status --watch follows that)`;

export const staleCrdNote = (component: string, crds: readonly string[]): string =>
  `${component}: Argo CD still reports ${crds.join(', ')} as not ready, but the API server has them Established; waiting for Argo CD to catch up`;

export const schemaNote = (component: string, gvk: GroupVersionKind): string =>
  `${component}: Argo CD's cached API schema lacks ${gvk.kind} (${gvk.group}/${gvk.version}), which the API server serves (Argo CD loaded it before the API server published that CRD); touched the CRD so that Argo CD reloads it`;

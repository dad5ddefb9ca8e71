/**
 * The wait for components as a pure state machine: `step(state, event, now)` returns the next state
 * and the actions its driver (wait-for-components.ts) carries out. Events are what the driver sees
 * (an Application from the watch, the end of the first list, a one-second tick, the API server's
 * answers); actions are what it does (refresh an Application, GET CRDs or an awaited object, report
 * a component's state, note, finish). Time only enters as `now`, so every grace period, back-off and
 * timeout is tested with an injected clock.
 *
 * A component's own timeout starts when every lower wave is ready (that is when Argo CD gets to it);
 * a failure ends the wait early once it has persisted for the grace period, so a transient Degraded
 * during a rollout does not.
 */
import { objectRefOf } from '../plan/build-uninstall-plan.js';
import type { ObjectRef } from '../systems/kube.js';
import {
  assessApplication,
  type AppResource,
  type ArgoApplication,
  type ComponentState,
  type GroupVersionKind,
} from './assess-application.js';
import {
  comparedDuringWait,
  crdNamesOf,
  crdOnly,
  draftOf,
  nextRefresh,
  repoUnreachableNote,
  rootWaitNote,
  schemaNote,
  staleCrdNote,
  windowClosedUntil,
  windowNote,
  windowReason,
  type Draft,
  type WaitOutcome,
  type WaitState,
} from './wait-state.js';

export { initialWaitState, type WaitOutcome, type WaitPlan, type WaitState } from './wait-state.js';

export type WaitEvent =
  /** An Application as the watch delivers it (ADDED or MODIFIED), or undefined once DELETED. */
  | { readonly kind: 'application'; readonly name: string; readonly app: ArgoApplication | undefined }
  /** The first list is in: until then every component looks missing, so nothing is decided. */
  | { readonly kind: 'listed' }
  | { readonly kind: 'tick' }
  /** The answer to `check-crds`: whether the API server has each CRD asked about Established. */
  | {
      readonly kind: 'crds';
      readonly component: string;
      readonly generation: number;
      readonly results: readonly { readonly name: string; readonly established: boolean }[];
    }
  /** The answer to `check-object`: whether the API server has the object the sync waits for. */
  | { readonly kind: 'object'; readonly component: string; readonly generation: number; readonly present: boolean }
  /** The answer to `reload-schema`: whether the API server serves the kind (and Argo CD was made to reload). */
  | { readonly kind: 'schema'; readonly component: string; readonly gvk: GroupVersionKind; readonly served: boolean }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'watch-failed'; readonly error: Error };

export type WaitAction =
  /** Ask Argo CD to compare this Application with git and the cluster now. */
  | { readonly kind: 'refresh'; readonly name: string }
  /**
   * Ask the API server whether these CRDs are Established (none when all are known to be: the answer
   * still comes back as an event, after the step that asked). `generation` ties the answer to the
   * component state that raised the question; an answer to an older one is dropped.
   */
  | { readonly kind: 'check-crds'; readonly component: string; readonly generation: number; readonly crds: string[] }
  | { readonly kind: 'check-object'; readonly component: string; readonly generation: number; readonly ref: ObjectRef }
  /**
   * If the API server serves this kind from an Established CRD, make Argo CD reload its API schema
   * (a CRD event is what reloads it); the answer comes back as a `schema` event.
   */
  | { readonly kind: 'reload-schema'; readonly component: string; readonly gvk: GroupVersionKind }
  /** A component's state changed in what the task list shows (phase, reason, healthy count). */
  | { readonly kind: 'report'; readonly name: string; readonly state: ComponentState }
  | { readonly kind: 'note'; readonly message: string }
  | {
      readonly kind: 'finish';
      readonly outcome: WaitOutcome;
      /** Every component's last state, and the root's when the outcome waited on it. */
      readonly states: ReadonlyMap<string, ComponentState>;
      /** When each component was first seen ready (ms since epoch). */
      readonly readyAt: ReadonlyMap<string, number>;
    };

export interface Step {
  readonly state: WaitState;
  readonly actions: readonly WaitAction[];
}

export function step(state: WaitState, event: WaitEvent, now: number): Step {
  if (state.done) return { state, actions: [] };
  const d = draftOf(state);
  const out: WaitAction[] = [];
  switch (event.kind) {
    case 'application':
      if (d.names.includes(event.name)) update(d, out, event.name, assess(d, event.app), now);
      else if (event.name === d.plan.root) {
        d.rootState = assess(d, event.app);
        checkAwaitedByRoot(d, out, event.name, d.rootState);
        const compared = event.app?.status?.reconciledAt;
        d.rootComparedNow = comparedDuringWait(compared, d.rootFirstCompared, d.started);
        d.rootFirstCompared ??= compared;
        d.rootRepoURL = event.app?.spec?.source?.repoURL;
        evaluate(d, out, now);
      }
      break;
    case 'listed':
      for (const n of d.names) if (!d.states.has(n)) update(d, out, n, assess(d, undefined), now);
      if (d.plan.root !== undefined) d.rootState ??= assess(d, undefined);
      d.listed = true;
      evaluate(d, out, now);
      break;
    case 'tick':
      evaluate(d, out, now);
      break;
    case 'crds':
      crdsAnswered(d, out, event, now);
      break;
    case 'object':
      objectAnswered(d, out, event, now);
      break;
    case 'schema':
      schemaAnswered(d, out, event, now);
      break;
    case 'interrupted':
      finish(d, out, { kind: 'interrupted' });
      break;
    case 'watch-failed':
      finish(d, out, { kind: 'error', error: event.error });
      break;
  }
  return { state: d, actions: out };
}

const assess = (d: Draft, app: ArgoApplication | undefined) => assessApplication(app, d.plan.expectedRevision);

function update(d: Draft, out: WaitAction[], name: string, assessed: ComponentState, now: number): void {
  const prev = d.states.get(name);
  // Argo CD is not behind: its sync window keeps it from syncing, and the wait says until when.
  const closedUntil = assessed.phase === 'ready' ? null : windowClosedUntil(d.plan, name, now);
  const state = closedUntil === null ? assessed : { ...assessed, reason: windowReason(closedUntil) };
  d.states.set(name, state);
  const generation = (d.generations.get(name) ?? 0) + 1;
  d.generations.set(name, generation);
  // Each new sync gives Argo CD something new to compare: nudge soon again.
  if (prev?.operation !== state.operation) d.refreshedAt.delete(name);
  if (state.phase === 'ready' && !d.readyAt.has(name)) d.readyAt.set(name, now);
  // A component that was ready and regresses (e.g. a new revision) counts as pending again.
  if (state.phase !== 'ready') d.readyAt.delete(name);
  if (state.phase === 'failed') {
    // Argo CD may only be behind: the API server tells (crdsAnswered, objectAnswered).
    if (crdOnly(state)) {
      const crds = crdNamesOf(state).filter((c) => !d.established.has(c));
      out.push({ kind: 'check-crds', component: name, generation, crds });
    } else if (state.awaitsMissing !== undefined) {
      out.push({ kind: 'check-object', component: name, generation, ref: awaitedRef(state.awaitsMissing) });
    } else if (state.schemaLacks !== undefined) {
      lacksSchema(d, out, name, state.schemaLacks, now);
    } else startFailing(d, out, name, now);
  } else d.failingSince.delete(name);
  if (state.schemaLacks === undefined) {
    d.schemaServed.delete(name);
    d.schemaReloads.delete(name);
  }
  if (prev?.phase !== state.phase || prev.reason !== state.reason || prev.resources.healthy !== state.resources.healthy)
    out.push({ kind: 'report', name, state });
  evaluate(d, out, now);
}

const awaitedRef = (r: AppResource) =>
  objectRefOf({
    group: r.group ?? '',
    version: r.version ?? 'v1',
    kind: r.kind ?? '',
    namespace: r.namespace,
    name: r.name ?? '',
  });

/**
 * The root's sync waiting for a child Application Argo CD sees Missing: as for a component, the API
 * server tells whether Argo CD is only behind (a child it has just created) or the child is gone.
 */
function checkAwaitedByRoot(d: Draft, out: WaitAction[], root: string, state: ComponentState): void {
  const generation = (d.generations.get(root) ?? 0) + 1;
  d.generations.set(root, generation);
  d.rootAwaitedPresent = false;
  if (state.phase === 'failed' && state.awaitsMissing !== undefined)
    out.push({ kind: 'check-object', component: root, generation, ref: awaitedRef(state.awaitsMissing) });
}

function evaluate(d: Draft, out: WaitAction[], now: number): void {
  if (!d.listed) return;
  const { plan } = d;
  // Argo CD cannot read the fork at all: nothing will change by waiting (see rootUnreachable).
  if (plan.root !== undefined && rootUnreachable(d)) {
    out.push({ kind: 'note', message: repoUnreachableNote(plan.root, d.rootRepoURL, d.rootState?.reason ?? '') });
    finish(d, out, { kind: 'failed', components: [plan.root] });
    return;
  }
  for (const c of plan.components) {
    if (d.unblockedAt.has(c.name)) continue;
    if (plan.components.every((o) => o.wave >= c.wave || d.readyAt.has(o.name))) d.unblockedAt.set(c.name, now);
  }
  const allReady = d.names.every((n) => d.readyAt.has(n));
  if (allReady) d.allReadyAt ??= now;
  else d.allReadyAt = undefined;
  const rootReady = plan.root === undefined || d.rootState?.phase === 'ready';
  if (allReady && rootReady) {
    finish(d, out, { kind: 'ready' });
    return;
  }
  if (plan.root !== undefined) judgeRoot(d, out, plan.root, allReady, now);
  const failed = [...d.failingSince].filter(([, since]) => now - since >= plan.failureGraceMs).map(([n]) => n);
  if (failed.length > 0) {
    finish(d, out, { kind: 'failed', components: failed.sort() });
    return;
  }
  const pending = d.names
    .filter((n) => !d.readyAt.has(n))
    .concat(plan.root !== undefined && !rootReady ? [plan.root] : []);
  if (now - d.started >= plan.overallTimeoutMs) {
    finish(d, out, { kind: 'timeout', components: pending });
    return;
  }
  // A window that opens after the deadline: waiting for it would only end in the same timeout.
  const closed = pending.filter((n) => {
    const until = windowClosedUntil(plan, n, now);
    return until !== null && (until === undefined || until > d.started + plan.overallTimeoutMs);
  });
  if (closed.length > 0) {
    const until = closed.map((n) => windowClosedUntil(plan, n, now) ?? undefined);
    out.push({
      kind: 'note',
      message: windowNote(closed, until.includes(undefined) ? undefined : Math.min(...(until as number[]))),
    });
    finish(d, out, { kind: 'timeout', components: closed });
    return;
  }
  const clockOf = (n: string) => (n === plan.root ? d.allReadyAt : d.unblockedAt.get(n)) ?? now;
  const late = pending.filter((n) => now - clockOf(n) >= plan.componentTimeoutMs);
  if (late.length > 0) {
    finish(d, out, { kind: 'timeout', components: late });
    return;
  }
  for (const n of pending) nudge(d, out, n, n === plan.root ? d.rootState : d.states.get(n), now);
}

/**
 * While many CRDs are created at once, Argo CD's cluster cache falls minutes behind their status
 * (each new CRD makes it rediscover the API; status-only updates do not trigger a refresh in v3), so
 * "CRD is not established", CRD diffs, and custom resources it applied but does not watch yet can be
 * stale. While a component (or the root) waits only on such entries, ask Argo CD to look again, backing
 * off (see nextRefresh). Without this it waits for its next self-heal attempt, which backs off to 5 min.
 * The same for a comparison an admission webhook failed (v3.6+ diffs by dry-run apply): Argo CD only
 * compares again at its next poll (2-3 min by default), later than the failure grace.
 */
function nudge(d: Draft, out: WaitAction[], name: string, s: ComponentState | undefined, now: number): void {
  if (!s || !(crdOnly(s) || s.recheck === true || s.webhookRefused === true || d.schemaServed.has(name))) return;
  const next = nextRefresh(d.refreshedAt.get(name), now);
  if (next === undefined) return;
  d.refreshedAt.set(name, next);
  out.push({ kind: 'refresh', name });
}

/**
 * The root turns Degraded with any child: that is the child's failure, reported as such. Its own
 * failures (an error condition, a failed sync of the Applications) and anything wrong once every
 * component is ready are the root's.
 */
function judgeRoot(d: Draft, out: WaitAction[], root: string, allReady: boolean, now: number): void {
  const s = d.rootState;
  const behind = s?.awaitsMissing !== undefined && d.rootAwaitedPresent;
  if (s?.phase === 'failed' && !behind && (allReady || (s.health !== 'Degraded' && s.health !== 'Suspended')))
    startFailing(d, out, root, now);
  else d.failingSince.delete(root);
  if (allReady && s && s.phase !== 'failed' && s.reason !== d.rootNoted) {
    d.rootNoted = s.reason;
    out.push({ kind: 'note', message: rootWaitNote(root, d.plan.expectedRevision, s.reason) });
  }
}

/**
 * The root's repository is unreachable by a comparison made during this wait. A condition left from
 * before (say, a run whose credentials were wrong, fixed since) counts only once Argo CD has compared
 * again: the root's failure asks for that refresh at once (judgeRoot, startFailing).
 */
function rootUnreachable(d: Draft): boolean {
  return d.rootState?.repoUnreachable === true && d.rootComparedNow;
}

function startFailing(d: Draft, out: WaitAction[], name: string, now: number): void {
  if (d.failingSince.has(name)) return;
  d.failingSince.set(name, now);
  // Argo CD's view can be stale (see nudge): one refresh makes it assess the live objects again
  // before the grace period decides.
  out.push({ kind: 'refresh', name });
}

/**
 * A component Degraded only because Argo CD says its CRDs are not established: if the API server has
 * them Established, Argo CD's view is stale and the component is still on its way (its timeout bounds
 * the wait); otherwise the failure is real. A CRD once Established stays so (its names are accepted
 * for good), so it is never asked about again.
 */
function crdsAnswered(d: Draft, out: WaitAction[], e: Extract<WaitEvent, { kind: 'crds' }>, now: number): void {
  for (const r of e.results) if (r.established) d.established.add(r.name);
  const state = d.states.get(e.component);
  if (d.generations.get(e.component) !== e.generation || state === undefined) return;
  if (!e.results.every((r) => r.established)) {
    startFailing(d, out, e.component, now);
    return;
  }
  d.failingSince.delete(e.component);
  if (d.staleNoted.has(e.component)) return;
  d.staleNoted.add(e.component);
  out.push({ kind: 'note', message: staleCrdNote(e.component, crdNamesOf(state)) });
}

/**
 * A sync waiting for an object Argo CD sees Missing: if the API server has it, Argo CD's cache is only
 * behind (new CRDs) and a refresh settles it; if not, that sync never finishes.
 */
function objectAnswered(d: Draft, out: WaitAction[], e: Extract<WaitEvent, { kind: 'object' }>, now: number): void {
  if (d.generations.get(e.component) !== e.generation) return;
  if (!e.present) {
    startFailing(d, out, e.component, now);
    return;
  }
  if (e.component === d.plan.root) d.rootAwaitedPresent = true;
  d.failingSince.delete(e.component);
  out.push({ kind: 'refresh', name: e.component });
}

/**
 * Argo CD's API schema lacks a kind the component uses (assess-application.ts, schemaLackingOf):
 * make it reload the schema, at once and then backing off like a refresh while the error stays. Between
 * reloads the last answer holds: a kind the API server serves keeps the component waiting (its timeout
 * bounds that), one it does not is a failure.
 */
function lacksSchema(d: Draft, out: WaitAction[], name: string, gvk: GroupVersionKind, now: number): void {
  const next = nextRefresh(d.schemaReloads.get(name), now);
  if (next !== undefined) {
    d.schemaReloads.set(name, next);
    out.push({ kind: 'reload-schema', component: name, gvk });
  } else if (!d.schemaServed.has(name)) startFailing(d, out, name, now);
}

function schemaAnswered(d: Draft, out: WaitAction[], e: Extract<WaitEvent, { kind: 'schema' }>, now: number): void {
  if (d.states.get(e.component)?.schemaLacks === undefined) return;
  if (!e.served) {
    d.schemaServed.delete(e.component);
    startFailing(d, out, e.component, now);
    return;
  }
  if (!d.schemaServed.has(e.component)) out.push({ kind: 'note', message: schemaNote(e.component, e.gvk) });
  d.schemaServed.add(e.component);
  d.failingSince.delete(e.component);
  // Argo CD reloads as it handles the CRD events the driver caused, moments after this answer; the
  // refresh may still find the old schema, and nudge asks again, backing off, while the error stays.
  out.push({ kind: 'refresh', name: e.component });
}

function finish(d: Draft, out: WaitAction[], outcome: WaitOutcome): void {
  d.done = true;
  const states = new Map(d.states);
  // The summary names the root only when it is what the outcome waited on.
  const { root } = d.plan;
  if (root !== undefined && d.rootState && outcome.kind !== 'ready' && d.rootState.phase !== 'ready')
    states.set(root, d.rootState);
  out.push({ kind: 'finish', outcome, states, readyAt: new Map(d.readyAt) });
}

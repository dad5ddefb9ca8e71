/**
 * Waits until every component is ready at the pushed revision, driven by watch events only.
 * A component's own timeout starts when every lower wave is ready (that is when Argo CD gets to
 * it); a failure ends the wait early once it has persisted for the grace period, so a transient
 * Degraded during a rollout does not.
 */
import { ARGOCD_NAMESPACE } from '../constants.js';
import { objectRefOf } from '../plan/build-uninstall-plan.js';
import type { Kube, KubeObject } from '../systems/kube.js';
import { assessApplication, type AppResource, type ComponentState } from './assess-application.js';
import { watchApplications, type ApplicationWatch } from './watch-applications.js';

export interface WaitOptions {
  readonly components: readonly { readonly name: string; readonly wave: number }[];
  readonly expectedRevision: string;
  readonly componentTimeoutMs: number;
  readonly overallTimeoutMs: number;
  readonly failureGraceMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly labelSelector?: string | undefined;
  /**
   * The app-of-apps. A component follows the fork's branch by itself, so it can be Synced at the
   * pushed revision while still running the Application spec of the commit before (a path, a sync
   * option the push changed) until the root applies the new one: ready also needs the root ready.
   */
  readonly root?: string | undefined;
  readonly onState: (name: string, state: ComponentState) => void;
  readonly onNote?: (message: string) => void;
}

export type WaitOutcome =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly components: readonly string[] }
  | { readonly kind: 'timeout'; readonly components: readonly string[] }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'error'; readonly error: Error };

export interface WaitResult {
  readonly outcome: WaitOutcome;
  readonly states: ReadonlyMap<string, ComponentState>;
  /** When each component was first seen ready (ms since epoch). */
  readonly readyAt: ReadonlyMap<string, number>;
  readonly watch: ApplicationWatch['stats'];
}

interface CrdObject extends KubeObject {
  status?: { conditions?: { type: string; status: string }[] };
}

/** Waiting or Degraded only on CRD health or diff entries (a failed sync of a CRD is not this). */
const crdOnly = (s: ComponentState): boolean =>
  s.problems.length > 0 &&
  s.problems.every(
    (p) =>
      p.resource.startsWith('CustomResourceDefinition ') &&
      ['Degraded', 'Progressing', 'Missing', 'OutOfSync'].includes(p.status),
  );

/** Asks Argo CD to compare with git now instead of at its next poll; an Application not there yet is no error. */
export function requestRefresh(kube: Kube, name: string): Promise<unknown> {
  return kube
    .request(
      'PATCH',
      `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications/${name}`,
      { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } },
      'application/merge-patch+json',
    )
    .catch(() => undefined);
}

export function waitForComponents(kube: Kube, opts: WaitOptions): Promise<WaitResult> {
  const names = new Set(opts.components.map((c) => c.name));
  const root = opts.root;
  let rootState: ComponentState | undefined;
  let allReadyAt: number | undefined;
  let rootNoted = '';
  const states = new Map<string, ComponentState>();
  const readyAt = new Map<string, number>();
  const failingSince = new Map<string, number>();
  const unblockedAt = new Map<string, number>();
  const refreshedAt = new Map<string, { at: number; every: number }>();
  const started = Date.now();

  return new Promise<WaitResult>((resolve) => {
    let done = false;
    // Filled in below; finish() may run before either exists (an already aborted signal).
    const h: { watch?: ApplicationWatch; ticker?: NodeJS.Timeout } = {};
    const finish = (outcome: WaitOutcome) => {
      if (done) return;
      done = true;
      // The summary names the root only when it is what the outcome waited on.
      if (root !== undefined && rootState && outcome.kind !== 'ready' && rootState.phase !== 'ready')
        states.set(root, rootState);
      clearInterval(h.ticker);
      h.watch?.stop();
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ outcome, states, readyAt, watch: h.watch?.stats ?? { lists: 0, watches: 0, restarts: 0 } });
    };
    const onAbort = () => {
      finish({ kind: 'interrupted' });
    };

    const unblock = (now: number) => {
      for (const c of opts.components) {
        if (unblockedAt.has(c.name)) continue;
        if (opts.components.every((o) => o.wave >= c.wave || readyAt.has(o.name))) unblockedAt.set(c.name, now);
      }
    };

    // Nothing is decided before the first list is in: until then every component looks missing.
    let listed = false;
    const evaluate = () => {
      if (done || !listed) return;
      const now = Date.now();
      unblock(now);
      const allReady = [...names].every((n) => readyAt.has(n));
      if (allReady) allReadyAt ??= now;
      else allReadyAt = undefined;
      const rootReady = root === undefined || rootState?.phase === 'ready';
      if (allReady && rootReady) {
        finish({ kind: 'ready' });
        return;
      }
      if (root !== undefined) judgeRoot(root, allReady);
      const failed = [...failingSince].filter(([, since]) => now - since >= opts.failureGraceMs).map(([n]) => n);
      if (failed.length > 0) {
        finish({ kind: 'failed', components: failed.sort() });
        return;
      }
      const pending = [...names].filter((n) => !readyAt.has(n)).concat(root !== undefined && !rootReady ? [root] : []);
      if (now - started >= opts.overallTimeoutMs) {
        finish({ kind: 'timeout', components: pending });
        return;
      }
      const late = pending.filter(
        (n) => now - (n === root ? (allReadyAt ?? now) : (unblockedAt.get(n) ?? now)) >= opts.componentTimeoutMs,
      );
      if (late.length > 0) {
        finish({ kind: 'timeout', components: late });
        return;
      }
      for (const n of pending) nudge(n, n === root ? rootState : states.get(n), now);
    };

    // While many CRDs are created at once, Argo CD's cluster cache falls minutes behind their status
    // (each new CRD makes it rediscover the API; status-only updates do not trigger a refresh in v3),
    // so "CRD is not established", CRD diffs, and custom resources it applied but does not watch yet
    // can be stale. While a component waits only on such entries, ask Argo CD to look again, backing
    // off 10 s -> 2 min. Without this it waits for its next self-heal attempt, which backs off to 5 min.
    const nudge = (name: string, s: ComponentState | undefined, now: number) => {
      if (!s || !(crdOnly(s) || s.recheck === true)) return;
      const r = refreshedAt.get(name) ?? { at: 0, every: 10_000 };
      if (now - r.at < r.every) return;
      refreshedAt.set(name, { at: now, every: Math.min(r.every * 2, 120_000) });
      void requestRefresh(kube, name);
    };

    // The root turns Degraded with any child: that is the child's failure, reported as such. Its own
    // failures (an error condition, a failed sync of the Applications) and anything wrong once every
    // component is ready are the root's.
    const judgeRoot = (name: string, allReady: boolean) => {
      const s = rootState;
      if (s?.phase === 'failed' && (allReady || (s.health !== 'Degraded' && s.health !== 'Suspended')))
        startFailing(name);
      else failingSince.delete(name);
      if (allReady && s && s.phase !== 'failed' && s.reason !== rootNoted) {
        rootNoted = s.reason;
        opts.onNote?.(
          `every component is ready; waiting for the root Application "${name}" to apply ${opts.expectedRevision.slice(0, 7)} too: ${s.reason}`,
        );
      }
    };

    const startFailing = (name: string) => {
      if (failingSince.has(name)) return;
      failingSince.set(name, Date.now());
      // Argo CD's view can be stale (see nudge): one refresh makes it assess the live objects again
      // before the grace period decides.
      void requestRefresh(kube, name);
    };

    // A component Degraded only because Argo CD says its CRDs are not established is checked against
    // the API server: if they are Established there, Argo CD's view is stale and the component is
    // still on its way (its timeout bounds the wait); otherwise the failure is real.
    const staleNoted = new Set<string>();
    // A CRD once Established stays so (its names are accepted for good): ask the API server once.
    const established = new Set<string>();
    const checkCrds = async (name: string, state: ComponentState) => {
      const crds = state.problems.map((p) =>
        p.resource.slice(p.resource.lastIndexOf('/') + 1).replace(/^CustomResourceDefinition /, ''),
      );
      const live = await Promise.all(
        crds
          .filter((crd) => !established.has(crd))
          .map(async (crd) => {
            const c = await kube
              .get<CrdObject>({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crd })
              .catch(() => undefined);
            const ok = c?.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True') === true;
            if (ok) established.add(crd);
            return ok;
          }),
      );
      if (done || states.get(name) !== state) return;
      // Missing or not Established in the API server too: the problem is real.
      if (!live.every(Boolean)) {
        startFailing(name);
        return;
      }
      failingSince.delete(name);
      if (!staleNoted.has(name)) {
        staleNoted.add(name);
        opts.onNote?.(
          `${name}: Argo CD still reports ${crds.join(', ')} as not ready, but the API server has them Established; waiting for Argo CD to catch up`,
        );
      }
    };

    // A sync waiting for an object Argo CD sees Missing: if the API server has it, Argo CD's cache is
    // only behind (new CRDs) and a refresh settles it; if not, that sync never finishes.
    const checkAwaited = async (name: string, state: ComponentState, r: AppResource) => {
      const ref = objectRefOf({
        group: r.group ?? '',
        version: r.version ?? 'v1',
        kind: r.kind ?? '',
        namespace: r.namespace,
        name: r.name ?? '',
      });
      const live = await kube.get(ref).catch(() => undefined);
      if (done || states.get(name) !== state) return;
      if (live === undefined) {
        startFailing(name);
        return;
      }
      failingSince.delete(name);
      void requestRefresh(kube, name);
    };

    const update = (name: string, state: ComponentState) => {
      const prev = states.get(name);
      states.set(name, state);
      // Each new sync gives Argo CD something new to compare: nudge soon again.
      if (prev?.operation !== state.operation) refreshedAt.delete(name);
      if (state.phase === 'ready' && !readyAt.has(name)) readyAt.set(name, Date.now());
      // A component that was ready and regresses (e.g. a new revision) counts as pending again.
      if (state.phase !== 'ready') readyAt.delete(name);
      if (state.phase === 'failed') {
        if (crdOnly(state)) void checkCrds(name, state);
        else if (state.awaitsMissing !== undefined) void checkAwaited(name, state, state.awaitsMissing);
        else startFailing(name);
      } else failingSince.delete(name);
      if (
        prev?.phase !== state.phase ||
        prev.reason !== state.reason ||
        prev.resources.healthy !== state.resources.healthy
      )
        opts.onState(name, state);
      evaluate();
    };

    if (opts.signal?.aborted) {
      finish({ kind: 'interrupted' });
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    h.ticker = setInterval(evaluate, 1000);
    const watch = watchApplications(kube, {
      labelSelector: opts.labelSelector,
      onChange: (name, app) => {
        if (names.has(name)) update(name, assessApplication(app, opts.expectedRevision));
        else if (name === root) {
          rootState = assessApplication(app, opts.expectedRevision);
          evaluate();
        }
      },
      onNote: opts.onNote,
      onFatal: (error) => {
        finish({ kind: 'error', error });
      },
    });
    h.watch = watch;
    void watch.synced.then(() => {
      for (const n of names) if (!states.has(n)) update(n, assessApplication(undefined, opts.expectedRevision));
      rootState ??= root === undefined ? undefined : assessApplication(undefined, opts.expectedRevision);
      listed = true;
      evaluate();
    });
  });
}

/**
 * Waits until every component is ready at the pushed revision, driven by watch events only. The
 * decisions are the pure machine's (wait-machine.ts); this driver feeds it the Application watch, a
 * one-second tick, the abort signal and the API server's answers, and carries out its actions.
 */
import { isEstablished } from '../core/crd-status.js';
import { refreshApplication, reloadArgoSchema } from '../systems/argocd.js';
import { isRefused, type Kube } from '../systems/kube.js';
import type { ComponentState } from './assess-application.js';
import {
  initialWaitState,
  step,
  type WaitAction,
  type WaitEvent,
  type WaitOutcome,
  type WaitPlan,
} from './wait-machine.js';
import { watchApplications, type ApplicationWatch } from './watch-applications.js';

export type { WaitOutcome } from './wait-machine.js';

export interface WaitOptions extends WaitPlan {
  readonly signal?: AbortSignal | undefined;
  readonly labelSelector?: string | undefined;
  readonly onState: (name: string, state: ComponentState) => void;
  readonly onNote?: (message: string) => void;
}

export interface WaitResult {
  readonly outcome: WaitOutcome;
  readonly states: ReadonlyMap<string, ComponentState>;
  /** When each component was first seen ready (ms since epoch). */
  readonly readyAt: ReadonlyMap<string, number>;
  readonly watch: ApplicationWatch['stats'];
}

/** Whether the API server has each CRD Established; one that is not there (404) is not. */
async function establishedCrds(kube: Kube, names: readonly string[]) {
  return Promise.all(
    names.map(async (name) => {
      const c = await kube.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name });
      return { name, established: isEstablished(c) };
    }),
  );
}

export function waitForComponents(kube: Kube, opts: WaitOptions): Promise<WaitResult> {
  return new Promise<WaitResult>((resolve) => {
    const plan: WaitPlan = {
      components: opts.components,
      expectedRevision: opts.expectedRevision,
      componentTimeoutMs: opts.componentTimeoutMs,
      overallTimeoutMs: opts.overallTimeoutMs,
      failureGraceMs: opts.failureGraceMs,
      root: opts.root,
      windows: opts.windows,
    };
    let state = initialWaitState(plan, Date.now());
    // Filled in below; the wait may finish before either exists (an already aborted signal).
    const h: { watch?: ApplicationWatch; ticker?: NodeJS.Timeout } = {};
    const dispatch = (event: WaitEvent) => {
      const next = step(state, event, Date.now());
      state = next.state;
      for (const action of next.actions) perform(action);
    };
    const onAbort = () => {
      dispatch({ kind: 'interrupted' });
    };
    /**
     * What the machine asked the API server. Only a 404 answers "absent" (kube.get); a refusal (401,
     * 403) ends the wait with that error, which names the object; anything else (a 5xx, no answer while
     * the API server restarts) leaves the question open, as the watch rides out a restart: the machine
     * asks again at the component's next change, and a note says what could not be read.
     */
    const ask = <T>(question: Promise<T>, answer: (value: T) => void) => {
      question.then(answer, (err: unknown) => {
        if (isRefused(err)) dispatch({ kind: 'watch-failed', error: err as Error });
        else opts.onNote?.(`${err instanceof Error ? err.message : String(err)}; asking again at the next change`);
      });
    };

    const perform = (a: WaitAction) => {
      switch (a.kind) {
        case 'refresh':
          ask(refreshApplication(kube, a.name), () => undefined);
          return;
        case 'check-crds':
          ask(establishedCrds(kube, a.crds), (results) => {
            dispatch({ kind: 'crds', component: a.component, generation: a.generation, results });
          });
          return;
        case 'check-object':
          ask(kube.get(a.ref), (live) => {
            dispatch({ kind: 'object', component: a.component, generation: a.generation, present: live !== undefined });
          });
          return;
        case 'reload-schema':
          ask(reloadArgoSchema(kube, a.gvk), (served) => {
            dispatch({ kind: 'schema', component: a.component, gvk: a.gvk, served });
          });
          return;
        case 'report':
          opts.onState(a.name, a.state);
          return;
        case 'note':
          opts.onNote?.(a.message);
          return;
        case 'finish':
          clearInterval(h.ticker);
          h.watch?.stop();
          opts.signal?.removeEventListener('abort', onAbort);
          resolve({
            outcome: a.outcome,
            states: a.states,
            readyAt: a.readyAt,
            watch: h.watch?.stats ?? { lists: 0, watches: 0, restarts: 0 },
          });
          return;
      }
    };

    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    h.ticker = setInterval(() => {
      dispatch({ kind: 'tick' });
    }, 1000);
    const watch = watchApplications(kube, {
      labelSelector: opts.labelSelector,
      onChange: (name, app) => {
        dispatch({ kind: 'application', name, app });
      },
      onNote: opts.onNote,
      onFatal: (error) => {
        dispatch({ kind: 'watch-failed', error });
      },
    });
    h.watch = watch;
    void watch.synced.then(() => {
      dispatch({ kind: 'listed' });
    });
  });
}

/**
 * Drives the pure wait-machine as its driver would, on an injected clock: Applications from the
 * watch, the first list, a tick every second, the API server's answers. Every action is logged with
 * the time (ms since the start) it was asked for.
 */
import type { ArgoApplication } from '../../../installer/watch/assess-application.js';
import {
  initialWaitState,
  step,
  type WaitAction,
  type WaitEvent,
  type WaitPlan,
  type WaitState,
} from '../../../installer/watch/wait-machine.js';
import { PUSHED } from '../../support/app-documents.js';

export const T0 = Date.UTC(2026, 0, 1);

export const PLAN: WaitPlan = {
  components: [{ name: 'a', wave: 0 }],
  expectedRevision: PUSHED,
  componentTimeoutMs: 600_000,
  overallTimeoutMs: 900_000,
  failureGraceMs: 30_000,
};

export interface Logged {
  readonly at: number;
  readonly action: WaitAction;
}
type Finish = Extract<WaitAction, { kind: 'finish' }>;
type Check<K> = Extract<WaitAction, { kind: K }>;

export function machine(plan: Partial<WaitPlan> = {}) {
  let state: WaitState = initialWaitState({ ...PLAN, ...plan }, T0);
  let now = T0;
  const log: Logged[] = [];
  const send = (event: WaitEvent): readonly WaitAction[] => {
    const next = step(state, event, now);
    state = next.state;
    for (const action of next.actions) log.push({ at: now - T0, action });
    return next.actions;
  };
  const of = <K extends WaitAction['kind']>(kind: K) =>
    log.map((l) => l.action).filter((a): a is Check<K> => a.kind === kind);
  return {
    get state() {
      return state;
    },
    log,
    send,
    /** Moves the clock to `ms` after the start (no tick). */
    at(ms: number) {
      now = T0 + ms;
      return this;
    },
    app(name: string, app: ArgoApplication | undefined) {
      return send({ kind: 'application', name, app });
    },
    /** The first list: these Applications, then the end of the list. */
    list(apps: Record<string, ArgoApplication>) {
      for (const [name, app] of Object.entries(apps)) send({ kind: 'application', name, app });
      return send({ kind: 'listed' });
    },
    /** Ticks once a second until `ms` after the start, or until the wait finishes. */
    runUntil(ms: number) {
      while (now < T0 + ms && !state.done) {
        now = Math.min(now + 1000, T0 + ms);
        send({ kind: 'tick' });
      }
      return this;
    },
    /** The last CRD check asked for, answered as the API server would. */
    answerCrds(established: (crd: string) => boolean) {
      const q = of('check-crds').at(-1);
      if (!q) throw new Error('no CRD check was asked for');
      const results = q.crds.map((name) => ({ name, established: established(name) }));
      return send({ kind: 'crds', component: q.component, generation: q.generation, results });
    },
    answerObject(present: boolean) {
      const q = of('check-object').at(-1);
      if (!q) throw new Error('no object check was asked for');
      return send({ kind: 'object', component: q.component, generation: q.generation, present });
    },
    of,
    /** When each refresh of `name` was asked for, in seconds since the start. */
    refreshes(name: string): number[] {
      return log.filter((l) => l.action.kind === 'refresh' && l.action.name === name).map((l) => l.at / 1000);
    },
    reports(name: string): string[] {
      return of('report')
        .filter((r) => r.name === name)
        .map((r) => `${r.state.phase}: ${r.state.reason}`);
    },
    notes(): string[] {
      return of('note').map((n) => n.message);
    },
    finished(): (Finish & { at: number }) | undefined {
      const l = log.find((x) => x.action.kind === 'finish');
      return l ? { ...(l.action as Finish), at: l.at } : undefined;
    },
  };
}

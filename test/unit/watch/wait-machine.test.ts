/**
 * The wait-machine on captured Argo CD documents and an injected clock: listing, readiness, waves,
 * timeouts, failures and their grace, stuck syncs, nudges. The root and CRD waits are in
 * wait-machine-root.test.ts and wait-machine-crds.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { step } from '../../../installer/watch/wait-machine.js';
import { appAt, EARLIER, outOfSyncAfterSync } from '../../support/app-documents.js';
import { machine, T0 } from './wait-machine-harness.js';

const AB = {
  components: [
    { name: 'a', wave: 0 },
    { name: 'b', wave: 1 },
  ],
};

describe('wait-machine: listing and readiness', () => {
  it('decides nothing before the first list is in, then counts what it did not list as missing', () => {
    const m = machine(AB);
    m.app('a', appAt('synced-healthy', 'a'));
    m.at(5_000).send({ kind: 'tick' });
    expect(m.finished()).toBeUndefined();
    m.list({});
    expect(m.reports('a')).toEqual(['ready: Synced at 0123456 and Healthy']);
    expect(m.reports('b')).toEqual(['missing: Application not created yet']);
    m.app('b', appAt('synced-healthy', 'b'));
    expect(m.finished()).toMatchObject({
      outcome: { kind: 'ready' },
      readyAt: new Map([
        ['a', T0],
        ['b', T0 + 5_000],
      ]),
    });
  });

  it('reports a component only when its phase, reason or healthy count changes', () => {
    const m = machine();
    m.list({ a: appAt('progressing', 'a') });
    m.app('a', appAt('progressing', 'a'));
    m.app('a', appAt('synced-healthy', 'a'));
    expect(m.reports('a')).toEqual([
      expect.stringMatching(/^progressing: Progressing: Deployment kfg-rd-progressing\/web: Waiting for rollout/),
      'ready: Synced at 0123456 and Healthy',
    ]);
  });

  it('a ready component that regresses (a new revision) is pending again and keeps the wait going', () => {
    const m = machine(AB);
    m.list({ a: appAt('synced-healthy', 'a'), b: appAt('progressing', 'b') });
    m.at(10_000).app('a', appAt('synced-healthy', 'a', EARLIER));
    expect(m.state.readyAt.has('a')).toBe(false);
    m.app('b', appAt('synced-healthy', 'b'));
    expect(m.finished()).toBeUndefined();
    m.at(20_000).app('a', appAt('synced-healthy', 'a'));
    expect(m.finished()?.readyAt).toEqual(
      new Map([
        ['b', T0 + 10_000],
        ['a', T0 + 20_000],
      ]),
    );
  });

  it('a deleted Application is missing again', () => {
    const m = machine();
    m.list({ a: appAt('progressing', 'a') });
    m.app('a', undefined);
    expect(m.state.states.get('a')).toMatchObject({ phase: 'missing' });
  });

  it('never changes the state it is given, and ignores every event once finished', () => {
    const m = machine();
    m.list({ a: appAt('degraded', 'a') });
    const before = m.state;
    const copy = structuredClone(before);
    const next = step(before, { kind: 'tick' }, T0 + 31_000);
    expect(before).toEqual(copy);
    expect(next.actions.at(-1)?.kind).toBe('finish');
    expect(step(next.state, { kind: 'application', name: 'a', app: appAt('synced-healthy', 'a') }, T0)).toEqual({
      state: next.state,
      actions: [],
    });
  });
});

describe('wait-machine: timeouts', () => {
  it("a component's own timeout starts when every lower wave is ready", () => {
    const m = machine({ ...AB, componentTimeoutMs: 60_000 });
    m.list({ a: appAt('progressing', 'a'), b: appAt('progressing', 'b') });
    m.runUntil(30_000).app('a', appAt('synced-healthy', 'a'));
    m.runUntil(89_000);
    expect(m.finished()).toBeUndefined();
    m.runUntil(90_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['b'] }, at: 90_000 });
  });

  it('a lower wave that never gets ready times out alone: the higher one has not started', () => {
    const m = machine({ ...AB, componentTimeoutMs: 60_000 });
    m.list({ a: appAt('progressing', 'a'), b: appAt('progressing', 'b') });
    m.runUntil(120_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['a'] }, at: 60_000 });
  });

  it('the overall timeout names every pending component in plan order', () => {
    const m = machine({
      components: [
        { name: 'b', wave: 0 },
        { name: 'a', wave: 0 },
        { name: 'c', wave: 0 },
      ],
      overallTimeoutMs: 45_000,
    });
    m.list({ a: appAt('progressing', 'a'), b: appAt('missing', 'b'), c: appAt('synced-healthy', 'c') });
    m.runUntil(100_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['b', 'a'] }, at: 45_000 });
  });

  it('with no time to wait (status without --watch) it ends at the list: failed first, else pending', () => {
    const zero = { componentTimeoutMs: 0, overallTimeoutMs: 0, failureGraceMs: 0 };
    const m = machine({ ...AB, ...zero });
    m.list({ a: appAt('degraded', 'a'), b: appAt('progressing', 'b') });
    expect(m.finished()?.outcome).toEqual({ kind: 'failed', components: ['a'] });
    const n = machine({ ...AB, ...zero });
    n.list({ a: appAt('synced-healthy', 'a') });
    expect(n.finished()?.outcome).toEqual({ kind: 'timeout', components: ['b'] });
  });
});

describe('wait-machine: failures and their grace', () => {
  for (const state of ['degraded', 'suspended', 'operation-failed', 'operation-error', 'comparison-error']) {
    it(`${state}: refreshed once, failed when it persists for the grace period`, () => {
      const m = machine();
      m.list({ a: appAt(state, 'a') });
      expect(m.refreshes('a')).toEqual([0]);
      m.runUntil(29_000);
      expect(m.finished()).toBeUndefined();
      m.runUntil(60_000);
      expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['a'] }, at: 30_000 });
      expect(m.finished()?.states.get('a')?.phase).toBe('failed');
      expect(m.refreshes('a')).toEqual([0]);
    });
  }

  it('a transient Degraded that recovers within the grace is no failure, and its grace starts anew', () => {
    const m = machine();
    m.list({ a: appAt('degraded', 'a') });
    m.runUntil(20_000).app('a', appAt('progressing', 'a'));
    m.runUntil(40_000).app('a', appAt('degraded', 'a'));
    expect(m.refreshes('a')).toEqual([0, 40]);
    m.runUntil(69_000);
    expect(m.finished()).toBeUndefined();
    m.runUntil(70_000);
    expect(m.finished()?.outcome).toEqual({ kind: 'failed', components: ['a'] });
  });

  it('names every failed component, sorted', () => {
    const m = machine({
      components: [
        { name: 'z', wave: 0 },
        { name: 'a', wave: 1 },
      ],
    });
    m.list({ z: appAt('degraded', 'z'), a: appAt('suspended', 'a') });
    m.runUntil(30_000);
    expect(m.finished()?.outcome).toEqual({ kind: 'failed', components: ['a', 'z'] });
  });

  it('an interrupt or a watch that cannot go on ends the wait at once', () => {
    const m = machine();
    m.list({ a: appAt('progressing', 'a') });
    m.send({ kind: 'interrupted' });
    expect(m.finished()?.outcome).toEqual({ kind: 'interrupted' });
    const n = machine();
    const error = new Error('watching Applications in argocd was refused (HTTP 403)');
    n.send({ kind: 'watch-failed', error });
    expect(n.finished()).toMatchObject({ outcome: { kind: 'error', error }, states: new Map() });
  });
});

describe('wait-machine: a sync waiting for a deleted object (awaits-deleted)', () => {
  it('asks the API server for the object the sync waits for', () => {
    const m = machine();
    m.list({ a: appAt('awaits-deleted', 'a') });
    expect(m.of('check-object')).toEqual([
      {
        kind: 'check-object',
        component: 'a',
        generation: 1,
        ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'kfg-rd-awaits-deleted', name: 'web' },
      },
    ]);
    expect(m.refreshes('a')).toEqual([]);
  });

  it('fails after the grace, naming the object, when the API server does not have it', () => {
    const m = machine();
    m.list({ a: appAt('awaits-deleted', 'a') });
    m.at(2_000).answerObject(false);
    expect(m.refreshes('a')).toEqual([2]);
    m.runUntil(60_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['a'] }, at: 32_000 });
    expect(m.finished()?.states.get('a')?.reason).toMatch(
      /^sync cannot finish: it waits for Deployment kfg-rd-awaits-deleted\/web to turn healthy, but that object is gone .*argocd app terminate-op a\)/,
    );
  });

  it('nudges Argo CD instead when the API server has it (its cache is only behind)', () => {
    const m = machine({ componentTimeoutMs: 120_000 });
    m.list({ a: appAt('awaits-deleted', 'a') });
    m.at(1_000).answerObject(true);
    expect(m.refreshes('a')).toEqual([1]);
    m.runUntil(200_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['a'] }, at: 120_000 });
  });

  it('an answer that the object is back clears the failure an earlier answer started', () => {
    const m = machine({ componentTimeoutMs: 120_000 });
    m.list({ a: appAt('awaits-deleted', 'a') });
    m.answerObject(false);
    m.runUntil(20_000).app('a', appAt('awaits-deleted', 'a'));
    m.answerObject(true);
    m.runUntil(200_000);
    expect(m.finished()?.outcome).toEqual({ kind: 'timeout', components: ['a'] });
  });

  it('drops an answer about an older state of the component', () => {
    const m = machine();
    m.list({ a: appAt('awaits-deleted', 'a') });
    const first = m.of('check-object')[0];
    m.app('a', appAt('progressing', 'a'));
    m.send({ kind: 'object', component: 'a', generation: first?.generation ?? 0, present: false });
    m.runUntil(120_000);
    expect(m.refreshes('a')).toEqual([]);
    expect(m.finished()).toBeUndefined();
  });
});

describe('wait-machine: refresh nudges of a component OutOfSync right after a successful sync', () => {
  it('nudges at once, then after 20 s, 40 s, 80 s and every 2 min', () => {
    const m = machine();
    m.list({ a: outOfSyncAfterSync('a') });
    m.runUntil(600_000);
    expect(m.refreshes('a')).toEqual([0, 20, 60, 140, 260, 380, 500]);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['a'] }, at: 600_000 });
  });

  it('a new sync operation starts the series again', () => {
    const m = machine();
    m.list({ a: outOfSyncAfterSync('a') });
    m.runUntil(70_000);
    const running = outOfSyncAfterSync('a');
    if (running.status?.operationState) running.status.operationState.phase = 'Running';
    m.app('a', running);
    m.at(75_000).app('a', outOfSyncAfterSync('a'));
    m.runUntil(100_000);
    expect(m.refreshes('a')).toEqual([0, 20, 60, 75, 95]);
  });

  it('a component merely progressing, or OutOfSync before any sync, is left to Argo CD', () => {
    const m = machine(AB);
    m.list({ a: appAt('progressing', 'a'), b: appAt('out-of-sync', 'b') });
    m.runUntil(300_000);
    expect(m.log.filter((l) => l.action.kind === 'refresh')).toEqual([]);
  });
});

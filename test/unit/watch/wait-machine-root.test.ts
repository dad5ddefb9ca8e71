/**
 * The wait-machine and the root app-of-apps: done only when the root applied the pushed commit too,
 * nudged like a component, its failures told apart from its children's, its own timeout.
 */
import { describe, expect, it } from 'vitest';
import { appAt, outOfSyncAfterSync } from '../../support/app-documents.js';
import { machine } from './wait-machine-harness.js';

const WITH_ROOT = { components: [{ name: 'a', wave: 0 }], root: 'root' };

describe('wait-machine: the root', () => {
  it('is done only when the root has applied the pushed commit, not only when each component follows the branch', () => {
    const m = machine(WITH_ROOT);
    const stale = appAt('stale-revision', 'root');
    m.list({ a: appAt('synced-healthy', 'a'), root: stale });
    m.runUntil(10_000);
    expect(m.finished()).toBeUndefined();
    const at = (stale.status?.sync?.revision ?? '').slice(0, 7);
    expect(m.notes()).toEqual([
      `every component is ready; waiting for the root Application "root" to apply 0123456 too: Synced at ${at}, waiting for 0123456`,
    ]);
    m.app('root', appAt('progressing', 'root'));
    m.app('root', appAt('progressing', 'root'));
    expect(m.notes()).toHaveLength(2);
    expect(m.notes()[1]).toMatch(/to apply 0123456 too: Progressing: Deployment kfg-rd-progressing\/web/);
    m.at(12_000).app('root', appAt('synced-healthy', 'root'));
    expect(m.finished()).toMatchObject({ outcome: { kind: 'ready' }, at: 12_000 });
    // The root is no component: no task-list line, not in the summary.
    expect(m.reports('root')).toEqual([]);
    expect(m.finished()?.states.has('root')).toBe(false);
  });

  it('a root that never shows up is missing and keeps the wait going', () => {
    const m = machine({ ...WITH_ROOT, componentTimeoutMs: 60_000 });
    m.list({ a: appAt('synced-healthy', 'a') });
    m.runUntil(100_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['root'] }, at: 60_000 });
    expect(m.finished()?.states.get('root')).toMatchObject({ phase: 'missing' });
  });

  it('is nudged as the components are when it synced the pushed commit but Argo CD has not compared again', () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('progressing', 'a'), root: outOfSyncAfterSync('root') });
    m.runUntil(100_000);
    expect(m.refreshes('root')).toEqual([0, 20, 60]);
    expect(m.refreshes('a')).toEqual([]);
  });

  it("a Degraded root while a component is not ready is that component's failure, not the root's", () => {
    const m = machine({ ...WITH_ROOT, componentTimeoutMs: 120_000 });
    m.list({ a: appAt('progressing', 'a'), root: appAt('degraded', 'root') });
    m.runUntil(200_000);
    // The root's own clock starts only when every component is ready.
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['a'] }, at: 120_000 });
    expect(m.refreshes('root')).toEqual([]);
    expect(m.finished()?.states.get('root')).toMatchObject({ phase: 'failed', health: 'Degraded' });
  });

  it('a Degraded root once every component is ready is the root failing, after the grace', () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('progressing', 'a'), root: appAt('degraded', 'root') });
    m.runUntil(10_000).app('a', appAt('synced-healthy', 'a'));
    expect(m.refreshes('root')).toEqual([10]);
    expect(m.notes()).toEqual([]);
    m.runUntil(100_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['root'] }, at: 40_000 });
  });

  it('its own error (a comparison error) fails it even while components are pending', () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('progressing', 'a'), root: appAt('comparison-error', 'root') });
    m.runUntil(100_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['root'] }, at: 30_000 });
    expect(m.finished()?.states.get('root')?.reason).toMatch(/^ComparisonError: .*app path does not exist$/);
  });

  it('a root that recovers before the grace ends is no failure', () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('progressing', 'a'), root: appAt('comparison-error', 'root') });
    m.runUntil(20_000).app('root', appAt('progressing', 'root'));
    m.runUntil(100_000);
    expect(m.finished()).toBeUndefined();
  });

  it('its own timeout runs from when every component became ready, and starts again if one regresses', () => {
    const m = machine({ ...WITH_ROOT, componentTimeoutMs: 60_000 });
    m.list({ a: appAt('progressing', 'a'), root: appAt('progressing', 'root') });
    m.runUntil(10_000).app('a', appAt('synced-healthy', 'a'));
    m.runUntil(40_000).app('a', appAt('progressing', 'a'));
    m.at(41_000).app('a', appAt('synced-healthy', 'a'));
    m.runUntil(100_000);
    expect(m.finished()).toBeUndefined();
    m.runUntil(101_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['root'] }, at: 101_000 });
  });

  it('waiting for a child Argo CD sees Missing that the API server has is Argo CD behind, not a failure', () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('synced-healthy', 'a'), root: appAt('awaits-deleted', 'root') });
    expect(m.of('check-object').map((q) => q.component)).toEqual(['root']);
    m.at(1_000).answerObject(true);
    expect(m.refreshes('root')).toContain(1);
    m.runUntil(100_000);
    expect(m.finished()).toBeUndefined();
    m.at(101_000).app('root', appAt('synced-healthy', 'root'));
    expect(m.finished()).toMatchObject({ outcome: { kind: 'ready' }, at: 101_000 });
  });

  it('waiting for a child the API server does not have either fails after the grace', () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('synced-healthy', 'a'), root: appAt('awaits-deleted', 'root') });
    m.at(1_000).answerObject(false);
    m.runUntil(100_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['root'] }, at: 30_000 });
  });

  it('a ready root is left out of the summary even when the wait times out', () => {
    const m = machine({ ...WITH_ROOT, componentTimeoutMs: 60_000 });
    m.list({ a: appAt('progressing', 'a'), root: appAt('synced-healthy', 'root') });
    m.runUntil(60_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['a'] } });
    expect(m.finished()?.states.has('root')).toBe(false);
  });
});

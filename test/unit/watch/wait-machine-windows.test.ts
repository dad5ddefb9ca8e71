/**
 * The wait-machine and Argo CD's sync windows: a component whose window is closed says until when,
 * instead of waiting silently, and one that opens only after the run's timeout ends the wait at once.
 */
import { describe, expect, it } from 'vitest';
import { appAt } from '../../support/app-documents.js';
import { machine, T0 } from './wait-machine-harness.js';

describe('wait-machine: sync windows', () => {
  it('says the window is closed until it opens, then waits as for any component', () => {
    const opensAt = T0 + 60_000;
    const m = machine({ windows: new Map([['a', opensAt]]) });
    m.list({ a: appAt('out-of-sync', 'a') });
    expect(m.reports('a')).toEqual([`progressing: sync window closed until ${new Date(opensAt).toISOString()}`]);
    m.runUntil(70_000);
    expect(m.finished()).toBeUndefined();
    m.app('a', appAt('progressing', 'a'));
    expect(m.reports('a').at(-1)).not.toMatch(/sync window/);
    m.app('a', appAt('synced-healthy', 'a'));
    expect(m.finished()).toMatchObject({ outcome: { kind: 'ready' } });
  });

  it('ends at once, naming the window, when it opens after the timeout', () => {
    const opensAt = T0 + 3600_000;
    const m = machine({ windows: new Map([['a', opensAt]]), overallTimeoutMs: 600_000 });
    m.list({ a: appAt('out-of-sync', 'a') });
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['a'] }, at: 0 });
    expect(m.notes()).toEqual([
      `a: Argo CD's sync window is closed until ${new Date(opensAt).toISOString()}, after this run's timeout; Argo CD syncs it then (kubeflow-gitops status --watch follows that)`,
    ]);
  });
});

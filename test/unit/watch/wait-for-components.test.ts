/**
 * The watch driver end to end over a fake API server and fake timers: the wiring of the Application
 * watch, the one-second tick, the API server checks and the abort signal around the pure machine
 * (whose every state is tested in wait-machine*.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KubeApiError } from '../../../installer/systems/kube.js';
import type { ComponentState } from '../../../installer/watch/assess-application.js';
import { waitForComponents, type WaitOptions } from '../../../installer/watch/wait-for-components.js';
import { appAt, crdNotEstablished, PUSHED } from '../../support/app-documents.js';
import { fakeArgoKube } from '../../support/fake-argo-kube.js';

const T0 = Date.UTC(2026, 0, 1);
const options = (over: Partial<WaitOptions> = {}): WaitOptions & { seen: [string, string][]; notes: string[] } => {
  const seen: [string, string][] = [];
  const notes: string[] = [];
  return {
    components: [{ name: 'a', wave: 0 }],
    expectedRevision: PUSHED,
    componentTimeoutMs: 600_000,
    overallTimeoutMs: 900_000,
    failureGraceMs: 30_000,
    onState: (n: string, s: ComponentState) => seen.push([n, s.phase]),
    onNote: (m: string) => notes.push(m),
    seen,
    notes,
    ...over,
  };
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('waitForComponents', () => {
  it('is ready once every wave and the root are ready, reporting each change of state', async () => {
    const f = fakeArgoKube([appAt('synced-healthy', 'a'), appAt('progressing', 'b'), appAt('progressing', 'root')]);
    const opts = options({
      components: [
        { name: 'a', wave: 0 },
        { name: 'b', wave: 1 },
      ],
      root: 'root',
    });
    const wait = waitForComponents(f.kube, opts);
    await vi.advanceTimersByTimeAsync(5_000);
    f.send('MODIFIED', appAt('synced-healthy', 'b'));
    f.send('MODIFIED', appAt('synced-healthy', 'root'));
    const result = await wait;
    expect(result.outcome).toEqual({ kind: 'ready' });
    expect(opts.seen).toEqual([
      ['a', 'ready'],
      ['b', 'progressing'],
      ['b', 'ready'],
    ]);
    expect(opts.notes).toEqual([
      expect.stringMatching(
        /^every component is ready; waiting for the root Application "root" to apply 0123456 too: Progressing/,
      ),
    ]);
    expect(result.readyAt).toEqual(
      new Map([
        ['a', T0],
        ['b', T0 + 5_000],
      ]),
    );
    expect(result.states.has('root')).toBe(false);
    expect(result.watch).toEqual({ lists: 1, watches: 1, restarts: 0 });
  });

  it('a sync waiting for an object the API server does not have fails after the grace, naming it', async () => {
    const f = fakeArgoKube([appAt('awaits-deleted', 'a')]);
    const wait = waitForComponents(f.kube, options());
    await vi.advanceTimersByTimeAsync(29_000);
    expect(f.gets).toEqual(['Deployment/web']);
    expect(f.refreshes).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(2_000);
    const result = await wait;
    expect(result.outcome).toEqual({ kind: 'failed', components: ['a'] });
    expect(result.states.get('a')?.reason).toMatch(
      /^sync cannot finish: it waits for Deployment kfg-rd-awaits-deleted\/web/,
    );
  });

  it('a sync waiting for an object the API server has is nudged, not failed, until its timeout', async () => {
    const f = fakeArgoKube([appAt('awaits-deleted', 'a')]);
    f.objects.set('Deployment/web', { kind: 'Deployment', metadata: { name: 'web' } });
    const result = await Promise.all([
      waitForComponents(f.kube, options({ componentTimeoutMs: 60_000 })),
      vi.advanceTimersByTimeAsync(61_000),
    ]).then(([r]) => r);
    expect(result.outcome).toEqual({ kind: 'timeout', components: ['a'] });
    expect(f.refreshes).toEqual(['a']);
  });

  it('asks the API server about a CRD until it is Established, then never again', async () => {
    const f = fakeArgoKube([crdNotEstablished('a', 'widgets.example.org')]);
    const opts = options({ componentTimeoutMs: 60_000 });
    const wait = waitForComponents(f.kube, opts);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(f.gets).toEqual(['CustomResourceDefinition/widgets.example.org']);
    f.objects.set('CustomResourceDefinition/widgets.example.org', {
      kind: 'CustomResourceDefinition',
      status: { conditions: [{ type: 'Established', status: 'True' }] },
    });
    f.send('MODIFIED', crdNotEstablished('a', 'widgets.example.org'));
    await vi.advanceTimersByTimeAsync(1_000);
    f.send('MODIFIED', crdNotEstablished('a', 'widgets.example.org'));
    await vi.advanceTimersByTimeAsync(60_000);
    const result = await wait;
    expect(result.outcome).toEqual({ kind: 'timeout', components: ['a'] });
    expect(f.gets).toHaveLength(2);
    expect(opts.notes).toEqual([
      'a: Argo CD still reports widgets.example.org as not ready, but the API server has them Established; waiting for Argo CD to catch up',
    ]);
  });

  it('with no time to wait (status without --watch) reports what is pending at once, the root too', async () => {
    const f = fakeArgoKube([appAt('progressing', 'a'), appAt('progressing', 'root')]);
    const wait = waitForComponents(
      f.kube,
      options({ root: 'root', componentTimeoutMs: 0, overallTimeoutMs: 0, failureGraceMs: 0 }),
    );
    await vi.advanceTimersByTimeAsync(0);
    const result = await wait;
    expect(result.outcome).toEqual({ kind: 'timeout', components: ['a', 'root'] });
    expect(result.states.get('root')?.phase).toBe('progressing');
  });

  it('an abort interrupts the wait; an aborted signal never starts it', async () => {
    const f = fakeArgoKube([appAt('progressing', 'a')]);
    const ac = new AbortController();
    const wait = waitForComponents(f.kube, options({ signal: ac.signal }));
    await vi.advanceTimersByTimeAsync(3_000);
    ac.abort();
    expect((await wait).outcome).toEqual({ kind: 'interrupted' });
    const g = fakeArgoKube([]);
    const before = await waitForComponents(g.kube, options({ signal: ac.signal }));
    expect(before).toMatchObject({ outcome: { kind: 'interrupted' }, watch: { lists: 0, watches: 0, restarts: 0 } });
  });

  it('a watch that cannot go on (403) ends the wait with its error', async () => {
    const error = new KubeApiError(403, 'Forbidden', 'applications is forbidden');
    const f = fakeArgoKube([], { listError: error });
    const wait = waitForComponents(f.kube, options());
    await vi.advanceTimersByTimeAsync(0);
    expect((await wait).outcome).toEqual({ kind: 'error', error });
  });
});

/**
 * The Application watch driver end to end over loopback: the real Kube system and client-node's
 * Watch against a server speaking the Kubernetes watch protocol (test/support/watch-protocol-server.ts),
 * on a clock the test moves. Nothing sleeps: each step waits for a request the server received or
 * for what the watch reported, and backoffs and the watchdog run by advancing the clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applicationsPath } from '../../../installer/systems/argocd.js';
import { createKube, KubeApiError } from '../../../installer/systems/kube.js';
import { watchApplications, type ApplicationWatch } from '../../../installer/watch/watch-applications.js';
import { ManualClock } from '../../support/manual-clock.js';
import {
  startWatchProtocolServer,
  statusObject,
  type WatchCall,
  type WatchProtocolServer,
} from '../../support/watch-protocol-server.js';

const app = (name: string, rv: string) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd', resourceVersion: rv },
});

let server: WatchProtocolServer | undefined;
let watch: ApplicationWatch | undefined;
afterEach(async () => {
  watch?.stop();
  await server?.close();
  watch = server = undefined;
});

/**
 * Starts a watch against a fresh loopback server. `seen()` is what it reported next, as one line:
 * `a@11` (an Application at a resourceVersion), `a gone`, `note: ...`, `fatal 401: ...`.
 */
async function setUp(labelSelector?: string) {
  server = await startWatchProtocolServer();
  const clock = new ManualClock();
  const reported: string[] = [];
  const waiting: ((s: string) => void)[] = [];
  const report = (s: string) => {
    const take = waiting.shift();
    if (take) take(s);
    else reported.push(s);
  };
  watch = watchApplications(createKube({ kubeconfig: server.kubeconfig }), {
    labelSelector,
    clock,
    onChange: (name, a) => {
      report(a ? `${name}@${(a.metadata as { resourceVersion?: string }).resourceVersion ?? ''}` : `${name} gone`);
    },
    onNote: (message) => {
      report(`note: ${message}`);
    },
    onFatal: (error) => {
      report(`fatal ${error instanceof KubeApiError ? error.code : error.name}: ${error.message}`);
    },
  });
  const seen = () => {
    const s = reported.shift();
    return s ? Promise.resolve(s) : new Promise<string>((resolve) => waiting.push(resolve));
  };
  const srv = server;
  const w = watch;
  /** The next request, checked to be of this kind. */
  const next = async (kind: WatchCall['kind']) => {
    const call = await srv.next();
    expect(call.kind).toBe(kind);
    return call;
  };
  /** Answers the first list with these items at resourceVersion 10, and returns the watch that follows. */
  const listed = async (...items: object[]) => {
    (await next('list')).list(items, '10');
    for (const _ of items) await seen();
    await w.synced;
    return next('watch');
  };
  return { server, clock, watch: w, seen, next, listed };
}

const change = (name: string, rv?: string) => (rv ? `${name}@${rv}` : `${name} gone`);

describe('watchApplications over a loopback API server', () => {
  it('lists, watches from the list, applies events; a bookmark only moves where the next watch starts', async () => {
    const t = await setUp('team=ml');
    const list = await t.next('list');
    expect(list).toMatchObject({
      path: applicationsPath('argocd'),
      query: { labelSelector: 'team=ml' },
      authorization: 'Bearer loopback-token',
    });
    list.list([app('a', '3')], '10');
    expect(await t.seen()).toEqual(change('a', '3'));
    await t.watch.synced;
    const w1 = await t.next('watch');
    expect(w1.query).toMatchObject({
      resourceVersion: '10',
      allowWatchBookmarks: 'true',
      labelSelector: 'team=ml',
      timeoutSeconds: '300',
    });
    const s = w1.stream();
    s.send('ADDED', app('b', '11'));
    expect(await t.seen()).toEqual(change('b', '11'));
    s.send('BOOKMARK', { kind: 'Application', metadata: { resourceVersion: '12' } });
    s.send('DELETED', app('a', '13'));
    expect(await t.seen()).toEqual(change('a')); // nothing reported for the bookmark before it
    expect([...t.watch.apps.keys()]).toEqual(['b']);
    s.send('BOOKMARK', { kind: 'Application', metadata: { resourceVersion: '20' } });
    s.end(); // as the API server does at timeoutSeconds: resumed at once, no backoff
    expect((await t.next('watch')).query.resourceVersion).toBe('20');
    expect(t.watch.stats).toEqual({ lists: 1, watches: 2, restarts: 0 });
  });

  it('relists on 410 Gone as an ERROR event, and reports what went away meanwhile', async () => {
    const t = await setUp();
    const s = (await t.listed(app('a', '3'), app('b', '4'))).stream();
    s.send('ERROR', statusObject(410, 'too old resource version: 10 (25)'));
    await s.closed; // the watch was aborted
    (await t.next('list')).list([app('b', '26')], '30');
    expect([await t.seen(), await t.seen()]).toEqual([change('b', '26'), change('a')]);
    expect((await t.next('watch')).query.resourceVersion).toBe('30');
    expect(t.watch.stats).toEqual({ lists: 2, watches: 2, restarts: 0 });
  });

  it('relists at once on a watch request answered 410', async () => {
    const t = await setUp();
    (await t.listed()).status(410, 'too old resource version');
    (await t.next('list')).list([app('c', '31')], '31');
    expect(await t.seen()).toEqual(change('c', '31'));
    expect((await t.next('watch')).query.resourceVersion).toBe('31');
    expect(t.watch.stats).toEqual({ lists: 2, watches: 2, restarts: 0 }); // no note, no backoff
  });

  it('reconnects after a 500 with a backoff of 1 s, 2 s, 4 s, started over by any event', async () => {
    const t = await setUp();
    let w = await t.listed();
    for (const seconds of [1, 2, 4]) {
      const watches = t.watch.stats.watches;
      w.status(500);
      expect(await t.seen()).toBe(`note: watch failed: Internal Server Error; reconnecting in ${seconds}s`);
      t.clock.advance(seconds * 1000 - 1);
      expect(t.watch.stats.watches).toBe(watches);
      t.clock.advance(1);
      expect(t.watch.stats.watches).toBe(watches + 1);
      w = await t.next('watch');
      expect(w.query.resourceVersion).toBe('10');
    }
    const s = w.stream();
    s.send('ADDED', app('a', '15'));
    expect(await t.seen()).toEqual(change('a', '15'));
    s.cut();
    expect(await t.seen()).toMatch(/^note: watch failed: .+; reconnecting in 1s$/);
    t.clock.advance(1000);
    expect((await t.next('watch')).query.resourceVersion).toBe('15');
    expect(t.watch.stats).toEqual({ lists: 1, watches: 5, restarts: 4 });
  });

  it('a connection cut mid-event reports no half object and resumes from the last whole event', async () => {
    const t = await setUp();
    const s = (await t.listed()).stream();
    s.send('ADDED', app('a', '11'));
    expect(await t.seen()).toEqual(change('a', '11'));
    // Whether the half line reaches the client before the drop is up to TCP; the next test makes sure.
    s.sendRaw(JSON.stringify({ type: 'MODIFIED', object: app('a', '12') }).slice(0, 40));
    s.cut();
    expect(await t.seen()).toMatch(/^note: watch failed: .+; reconnecting in 1s$/);
    t.clock.advance(1000);
    const again = await t.next('watch');
    expect(again.query.resourceVersion).toBe('11');
    again.stream().send('MODIFIED', app('a', '12'));
    expect(await t.seen()).toEqual(change('a', '12'));
  });

  it('a stream that ends on half an event drops the half and resumes at once from the last whole event', async () => {
    const t = await setUp();
    const s = (await t.listed()).stream();
    s.send('ADDED', app('a', '11'));
    s.sendRaw(JSON.stringify({ type: 'MODIFIED', object: app('a', '12') }).slice(0, 40));
    s.end(); // a clean end: the client's line reader gets the half line as a last line, and drops it
    const again = await t.next('watch');
    expect(again.query.resourceVersion).toBe('11');
    again.stream().send('MODIFIED', app('a', '12'));
    expect([await t.seen(), await t.seen()]).toEqual([change('a', '11'), change('a', '12')]);
    expect(t.watch.stats.restarts).toBe(0);
  });

  it('relists after the backoff when the list fails', async () => {
    const t = await setUp();
    (await t.next('list')).status(500, 'etcd leader changed');
    expect(await t.seen()).toBe(
      'note: listing Applications failed: list applications.argoproj.io in namespace argocd: etcd leader changed; reconnecting in 1s',
    );
    t.clock.advance(1000);
    (await t.next('list')).list([], '40');
    expect((await t.next('watch')).query.resourceVersion).toBe('40');
  });

  it('restarts a watch that stays silent past 90 s, from the last resourceVersion', async () => {
    const t = await setUp();
    const s = (await t.listed()).stream();
    s.send('ADDED', app('a', '11'));
    expect(await t.seen()).toEqual(change('a', '11'));
    t.clock.advance(90_000); // ticks every 5 s; at 90 s the silence is not yet longer than 90 s
    expect(t.watch.stats.restarts).toBe(0);
    t.clock.advance(5_000);
    expect(await t.seen()).toBe('note: no events or bookmarks for a while; restarting the watch');
    await s.closed;
    const again = await t.next('watch');
    expect(again.query.resourceVersion).toBe('11');
    expect(t.watch.stats).toEqual({ lists: 1, watches: 2, restarts: 1 });
  });

  it.each([401, 403])('a watch refused with %i is fatal, and nothing is retried', async (code) => {
    const t = await setUp();
    (await t.listed()).status(code);
    expect(await t.seen()).toBe(`fatal ${code}: watching Applications in argocd was refused (HTTP ${code})`);
    expect(t.clock.pending).toBe(0);
    t.clock.advance(3_600_000);
    expect(t.watch.stats).toEqual({ lists: 1, watches: 1, restarts: 0 });
    expect(t.server.calls).toHaveLength(2);
  });

  it('a list refused with 403 is fatal with the server message; a 404 says Applications are not served', async () => {
    let t = await setUp();
    (await t.next('list')).status(403, 'applications.argoproj.io is forbidden');
    expect(await t.seen()).toBe(
      'fatal 403: list applications.argoproj.io in namespace argocd: applications.argoproj.io is forbidden',
    );
    watch?.stop();
    await server?.close();
    t = await setUp();
    (await t.next('list')).status(404, 'the server could not find the requested resource');
    expect(await t.seen()).toBe(
      'fatal 404: Argo CD Applications are not served in namespace argocd: is Argo CD installed?',
    );
    expect(t.clock.pending).toBe(0);
  });

  it('stop closes the watch and leaves nothing scheduled', async () => {
    const t = await setUp();
    const s = (await t.listed()).stream();
    t.watch.stop();
    await s.closed;
    expect(t.clock.pending).toBe(0);
    t.clock.advance(3_600_000);
    expect(t.server.calls).toHaveLength(2);
  });

  it('a caller that stops from onChange during the list is left with no watch open', async () => {
    server = await startWatchProtocolServer();
    const clock = new ManualClock();
    const w = watchApplications(createKube({ kubeconfig: server.kubeconfig }), {
      clock,
      onChange: () => {
        w.stop();
      },
      onFatal: () => undefined,
    });
    watch = w;
    (await server.next()).list([app('a', '3'), app('b', '4')], '10');
    await w.synced;
    // The list's own actions finish first (the watch it opens is aborted as soon as it answers).
    const opened = await server.next();
    expect(opened.kind).toBe('watch');
    await opened.stream().closed;
    expect([...w.apps.keys()]).toEqual(['a', 'b']);
    expect(clock.pending).toBe(0);
  });
});

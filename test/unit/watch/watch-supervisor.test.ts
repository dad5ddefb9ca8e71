/**
 * The watch supervisor's pure machine, one transition at a time on an injected clock: list, watch,
 * resume, 410 relists, backoff, the silence watchdog, fatal answers, stale answers and stop. The
 * driver over a loopback API server is in watch-applications.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject, WatchEvent } from '../../../installer/systems/kube.js';
import {
  initialSupervisorState,
  step,
  type SupervisorAction,
  type SupervisorEvent,
  type SupervisorState,
} from '../../../installer/watch/watch-supervisor.js';

const T0 = Date.UTC(2026, 0, 1);
const app = (name: string, rv: string): KubeObject => ({ metadata: { name, resourceVersion: rv } });
const changed = (a: KubeObject) => ({ kind: 'change', name: a.metadata?.name, app: a });
const gone = (name: string) => ({ kind: 'change', name, app: undefined });

function supervisor(silenceMs?: number) {
  let state: SupervisorState = initialSupervisorState({ namespace: 'argocd', silenceMs }, T0);
  let now = T0;
  return {
    get state() {
      return state;
    },
    at(ms: number) {
      now = T0 + ms;
      return this;
    },
    send(event: SupervisorEvent): readonly SupervisorAction[] {
      const next = step(state, event, now);
      state = next.state;
      return next.actions;
    },
    /** Starts and answers the first list: the machine is then watching from `rv`. */
    watching(items: KubeObject[] = [], rv = '10') {
      this.send({ kind: 'start' });
      this.send({ kind: 'listed', attempt: state.attempt, items, resourceVersion: rv });
      return this;
    },
    event(event: WatchEvent) {
      return this.send({ kind: 'watch-event', attempt: state.attempt, event });
    },
    failed(code: number | undefined, message = '') {
      return this.send({ kind: 'watch-ended', attempt: state.attempt, end: { kind: 'failed', code, message } });
    },
    /** The scheduled retry falls due. */
    retry() {
      return this.send({ kind: 'retry-due', attempt: state.attempt });
    },
    ended(kind: 'closed' | 'aborted') {
      return this.send({ kind: 'watch-ended', attempt: state.attempt, end: { kind } });
    },
    listFailed(code: number | undefined, message: string, reason?: string) {
      return this.send({ kind: 'list-failed', attempt: state.attempt, code, reason, message });
    },
  };
}

describe('watch supervisor: list, then watch', () => {
  it('starts with a list, once', () => {
    const s = supervisor();
    expect(s.send({ kind: 'start' })).toEqual([{ kind: 'list', attempt: 1 }]);
    expect(s.send({ kind: 'start' })).toEqual([]);
    expect(s.state).toMatchObject({ phase: 'listing', stats: { lists: 1, watches: 0, restarts: 0 } });
  });

  it('reports every listed Application, is synced, and watches from the list resourceVersion', () => {
    const s = supervisor();
    s.send({ kind: 'start' });
    const actions = s.at(2_000).send({ kind: 'listed', attempt: 1, items: [app('a', '3')], resourceVersion: '10' });
    expect(actions).toEqual([
      changed(app('a', '3')),
      { kind: 'synced' },
      { kind: 'watch', attempt: 2, resourceVersion: '10' },
    ]);
    expect(s.state).toMatchObject({ phase: 'watching', lastSeen: T0 + 2_000, names: ['a'], stats: { watches: 1 } });
  });

  it('an ADDED or MODIFIED Application is reported and moves the resourceVersion', () => {
    const s = supervisor().watching();
    expect(s.event({ type: 'ADDED', object: app('b', '11') })).toEqual([changed(app('b', '11'))]);
    expect(s.event({ type: 'MODIFIED', object: app('b', '12') })).toEqual([changed(app('b', '12'))]);
    expect(s.state).toMatchObject({ resourceVersion: '12', names: ['b'] });
  });

  it('a BOOKMARK only moves the resourceVersion', () => {
    const s = supervisor().watching();
    expect(s.at(30_000).event({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '42' } } })).toEqual([]);
    expect(s.state).toMatchObject({ resourceVersion: '42', lastSeen: T0 + 30_000, names: [] });
  });

  it('a DELETED Application is reported gone', () => {
    const s = supervisor().watching([app('a', '3')]);
    expect(s.event({ type: 'DELETED', object: app('a', '13') })).toEqual([gone('a')]);
    expect(s.state).toMatchObject({ resourceVersion: '13', names: [] });
  });

  it('a server that ends the watch, or an abort it did not ask for, resumes from the last resourceVersion at once', () => {
    const s = supervisor().watching();
    s.event({ type: 'ADDED', object: app('a', '11') });
    expect(s.ended('closed')).toEqual([{ kind: 'watch', attempt: 3, resourceVersion: '11' }]);
    expect(s.ended('aborted')).toEqual([{ kind: 'watch', attempt: 4, resourceVersion: '11' }]);
    expect(s.state.stats).toEqual({ lists: 1, watches: 3, restarts: 0 });
  });

  it('a list without a resourceVersion is watched from now, and relisted when that watch ends', () => {
    const s = supervisor().watching([], '');
    expect(s.ended('closed')).toEqual([{ kind: 'list', attempt: 3 }]);
  });
});

describe('watch supervisor: 410 Gone relists', () => {
  it('as an ERROR event: aborts the watch and lists at once', () => {
    const s = supervisor().watching([app('a', '3'), app('b', '4')]);
    const expired = { type: 'ERROR', object: { code: 410, message: 'too old resource version' } } as const;
    expect(s.event(expired)).toEqual([{ kind: 'abort' }, { kind: 'list', attempt: 3 }]);
    expect(s.state.resourceVersion).toBe('');
    // The relist is the truth: what it lacks went away while the watch was behind.
    expect(s.send({ kind: 'listed', attempt: 3, items: [app('b', '20')], resourceVersion: '21' })).toEqual([
      changed(app('b', '20')),
      gone('a'),
      { kind: 'watch', attempt: 4, resourceVersion: '21' },
    ]);
    expect(s.state.stats).toEqual({ lists: 2, watches: 2, restarts: 0 });
  });

  it('as the watch request status: lists at once', () => {
    const s = supervisor().watching();
    expect(s.failed(410, 'Gone')).toEqual([{ kind: 'list', attempt: 3 }]);
  });

  it('other ERROR events change nothing: the server closes the watch after them', () => {
    const s = supervisor().watching();
    expect(s.event({ type: 'ERROR', object: { code: 500, message: 'internal error' } })).toEqual([]);
    expect(s.state).toMatchObject({ phase: 'watching', resourceVersion: '10' });
  });
});

describe('watch supervisor: backoff', () => {
  it('a failed watch resumes from the same resourceVersion after 1 s, 2 s, 4 s ... capped at 30 s', () => {
    const s = supervisor().watching();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const actions = s.failed(500, 'Internal Server Error');
      const retry = actions.find((a) => a.kind === 'retry-after');
      delays.push(retry?.afterMs ?? -1);
      expect(s.retry()).toEqual([{ kind: 'watch', attempt: s.state.attempt, resourceVersion: '10' }]);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(s.state.stats.restarts).toBe(7);
  });

  it('says why and when it reconnects, naming the status when the error has no message', () => {
    const s = supervisor().watching();
    expect(s.failed(500, 'Internal Server Error')).toEqual([
      { kind: 'note', message: 'watch failed: Internal Server Error; reconnecting in 1s' },
      { kind: 'retry-after', attempt: 2, afterMs: 1_000 },
    ]);
    s.retry();
    expect(s.failed(502)[0]).toEqual({ kind: 'note', message: 'watch failed: 502; reconnecting in 2s' });
  });

  it('any watch event starts the backoff over', () => {
    const s = supervisor().watching();
    s.failed(500);
    s.retry();
    s.failed(500);
    s.retry();
    s.event({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '15' } } });
    expect(s.failed(undefined, 'Premature close')).toEqual([
      { kind: 'note', message: 'watch failed: Premature close; reconnecting in 1s' },
      { kind: 'retry-after', attempt: 4, afterMs: 1_000 },
    ]);
  });

  it('a failed list (5xx or unreachable) lists again after the backoff; a successful list does not reset it', () => {
    const s = supervisor();
    s.send({ kind: 'start' });
    expect(s.listFailed(503, 'busy', 'ServiceUnavailable')).toEqual([
      { kind: 'note', message: 'listing Applications failed: busy; reconnecting in 1s' },
      { kind: 'retry-after', attempt: 1, afterMs: 1_000 },
    ]);
    expect(s.retry()).toEqual([{ kind: 'list', attempt: 2 }]);
    s.listFailed(undefined, 'cannot reach the Kubernetes API');
    s.retry();
    s.send({ kind: 'listed', attempt: 3, items: [], resourceVersion: '10' });
    expect(s.failed(500)[1]).toEqual({ kind: 'retry-after', attempt: 4, afterMs: 4_000 });
  });

  it('a failed watch with no resourceVersion to resume from lists when its retry is due', () => {
    const s = supervisor().watching([], '');
    s.failed(500);
    expect(s.retry()).toEqual([{ kind: 'list', attempt: 3 }]);
  });
});

describe('watch supervisor: the silence watchdog', () => {
  it('restarts a watch silent for longer than silenceMs from the last resourceVersion', () => {
    const s = supervisor().watching();
    s.at(10_000).event({ type: 'ADDED', object: app('a', '11') });
    expect(s.at(100_000).send({ kind: 'tick' })).toEqual([]);
    expect(s.at(100_001).send({ kind: 'tick' })).toEqual([
      { kind: 'note', message: 'no events or bookmarks for a while; restarting the watch' },
      { kind: 'abort' },
      { kind: 'watch', attempt: 3, resourceVersion: '11' },
    ]);
    expect(s.state).toMatchObject({ lastSeen: T0 + 100_001, stats: { watches: 2, restarts: 1 } });
    // The aborted watch still reports its end; it is stale.
    expect(s.send({ kind: 'watch-ended', attempt: 2, end: { kind: 'aborted' } })).toEqual([]);
    expect(s.send({ kind: 'watch-event', attempt: 2, event: { type: 'ADDED', object: app('x', '99') } })).toEqual([]);
  });

  it('counts the silence from the request, so a watch that never answers is restarted too', () => {
    const s = supervisor(20_000).watching();
    expect(s.at(20_000).send({ kind: 'tick' })).toEqual([]);
    expect(s.at(25_000).send({ kind: 'tick' })).toContainEqual({ kind: 'watch', attempt: 3, resourceVersion: '10' });
  });

  it('leaves lists and backoffs alone', () => {
    const s = supervisor();
    s.send({ kind: 'start' });
    expect(s.at(600_000).send({ kind: 'tick' })).toEqual([]);
    s.send({ kind: 'listed', attempt: 1, items: [], resourceVersion: '10' });
    s.failed(500);
    expect(s.at(900_000).send({ kind: 'tick' })).toEqual([]);
  });
});

describe('watch supervisor: fatal answers', () => {
  it.each([
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
  ])('a watch refused with %i is fatal and nothing is retried', (code, reason) => {
    const s = supervisor().watching();
    expect(s.failed(code, reason)).toEqual([
      { kind: 'fatal', code, reason, message: `watching Applications in argocd was refused (HTTP ${code})` },
    ]);
    expect(s.state.phase).toBe('failed');
    expect(s.at(600_000).send({ kind: 'tick' })).toEqual([]);
    expect(s.retry()).toEqual([]);
  });

  it('a list refused with 401 or 403 is fatal with the server message', () => {
    const s = supervisor();
    s.send({ kind: 'start' });
    const refused = 'applications.argoproj.io is forbidden: User "dev" cannot list resource "applications"';
    expect(s.listFailed(403, refused, 'Forbidden')).toEqual([
      { kind: 'fatal', code: 403, reason: 'Forbidden', message: refused },
    ]);
  });

  it('a list answered 404 says Argo CD Applications are not served there', () => {
    const s = supervisor();
    s.send({ kind: 'start' });
    const message = 'Argo CD Applications are not served in namespace argocd: is Argo CD installed?';
    expect(s.listFailed(404, '404 page not found', 'NotFound')).toEqual([
      { kind: 'fatal', code: 404, reason: 'NotFound', message },
    ]);
  });
});

describe('watch supervisor: stale answers and stop', () => {
  it('drops answers to requests it has moved on from, and answers out of phase', () => {
    const s = supervisor().watching();
    expect(s.send({ kind: 'listed', attempt: 1, items: [app('a', '1')], resourceVersion: '1' })).toEqual([]);
    expect(s.send({ kind: 'listed', attempt: 2, items: [app('a', '1')], resourceVersion: '1' })).toEqual([]);
    expect(s.retry()).toEqual([]);
    expect(s.send({ kind: 'list-failed', attempt: 2, code: 403, message: 'no' })).toEqual([]);
    expect(s.state).toMatchObject({ phase: 'watching', resourceVersion: '10', names: [] });
  });

  it('stop aborts a watch, and nothing happens afterwards', () => {
    const s = supervisor().watching();
    expect(s.send({ kind: 'stop' })).toEqual([{ kind: 'abort' }]);
    expect(s.ended('aborted')).toEqual([]);
    expect(s.event({ type: 'ADDED', object: app('a', '11') })).toEqual([]);
  });

  it('stop cancels a scheduled retry', () => {
    const s = supervisor().watching();
    s.failed(500);
    expect(s.send({ kind: 'stop' })).toEqual([{ kind: 'cancel-retry' }]);
    expect(JSON.parse(JSON.stringify(s.state))).toEqual(s.state); // its state is plain data
  });

  it('stop before the first list is in still lets whoever waits for it go on', () => {
    const s = supervisor();
    s.send({ kind: 'start' });
    expect(s.send({ kind: 'stop' })).toEqual([{ kind: 'synced' }]);
    expect(s.send({ kind: 'listed', attempt: 1, items: [app('a', '1')], resourceVersion: '1' })).toEqual([]);
  });
});

/**
 * The readiness function on Application documents captured from each Argo CD line the local cluster
 * runs (test/fixtures/app-status/<version>, recorded by test/tools/capture-app-status.ts), plus edge cases
 * derived from the newest line's documents by changing only what the case is about.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assessApplication,
  causesOf,
  type ArgoApplication,
  type Phase,
  type Problem,
} from '../../../installer/watch/assess-application.js';
import {
  APP_STATUS_ROOT,
  appStatusDir,
  CAPTURED_LINES,
  newestShowing,
  uncaptured,
} from '../../support/app-status-fixtures.js';
import { recipesFor } from '../../support/app-states.js';

interface Meta {
  expectedRevision: string;
  expectedPhase: Phase;
  note: string;
}
type Doc = ArgoApplication & { metadata: { name: string; uid?: string } };

const loadFrom = (state: string, dir: string): { app: Doc; meta: Meta } => ({
  app: JSON.parse(readFileSync(join(dir, `${state}.json`), 'utf8')) as Doc,
  meta: JSON.parse(readFileSync(join(dir, `${state}.meta.json`), 'utf8')) as Meta,
});
/** The newest line's capture of `state`, or the newest that can show it (awaits-deleted: before v3.5). */
const load = (state: string) => loadFrom(state, appStatusDir(newestShowing(state)));
const clone = (state: string) => structuredClone(load(state));
const short = (sha: string) => sha.slice(0, 7);
const OTHER_SHA = 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed';

interface Case {
  state: string;
  phase: Phase;
  /** What the reason must say so a person knows the cause. */
  reason: RegExp | ((meta: Meta, app: Doc) => RegExp);
  /** The culprit in `problems` ([resource, status]), or none when the wait or failure has no resource behind it. */
  culprit?: [RegExp, string];
}

const CASES: Case[] = [
  {
    state: 'synced-healthy',
    phase: 'ready',
    reason: (m) => new RegExp(`^Synced at ${short(m.expectedRevision)} and Healthy$`),
  },
  {
    state: 'multi-source',
    phase: 'ready',
    reason: (m) => new RegExp(`^Synced at ${short(m.expectedRevision)} and Healthy$`),
  },
  {
    state: 'out-of-sync',
    phase: 'progressing',
    reason: /^OutOfSync: waiting for sync$/,
    culprit: [/^ConfigMap kfg-rd-out-of-sync\/web-config$/, 'OutOfSync'],
  },
  {
    state: 'missing',
    phase: 'progressing',
    reason: /^OutOfSync \(Missing\): waiting for sync$/,
    culprit: [/^Deployment kfg-rd-missing\/web$/, 'OutOfSync'],
  },
  {
    state: 'progressing',
    phase: 'progressing',
    reason:
      /^Progressing: Deployment kfg-rd-progressing\/web: Waiting for rollout to finish: 0 of 1 updated replicas are available/,
    culprit: [/^Deployment kfg-rd-progressing\/web$/, 'Progressing'],
  },
  {
    state: 'degraded',
    phase: 'failed',
    reason: /^Degraded: Deployment kfg-rd-degraded\/web: Deployment "web" exceeded its progress deadline$/,
    culprit: [/^Deployment kfg-rd-degraded\/web$/, 'Degraded'],
  },
  {
    state: 'suspended',
    phase: 'failed',
    reason: /^Suspended: Deployment kfg-rd-suspended\/web: Deployment is paused$/,
    culprit: [/^Deployment kfg-rd-suspended\/web$/, 'Suspended'],
  },
  {
    state: 'operation-running',
    phase: 'progressing',
    // Argo CD counts more "hooks" than the Job (the Namespace it creates runs in PreSync too).
    reason: /^syncing: waiting for completion of hook batch\/Job\/migrate( and \d+ more hooks)?$/,
    culprit: [/^Job kfg-rd-operation-running\/migrate$/, 'PreSync hook Running'],
  },
  {
    state: 'awaits-deleted',
    phase: 'failed',
    reason:
      /^sync cannot finish: it waits for Deployment kfg-rd-awaits-deleted\/web to turn healthy, but that object is gone .*argocd app terminate-op kfg-rd-awaits-deleted/,
    culprit: [/^Deployment kfg-rd-awaits-deleted\/web$/, 'Missing'],
  },
  {
    state: 'operation-failed',
    phase: 'failed',
    reason: /SyncError: .*Deployment\.apps "web" is invalid: spec\.template\.spec\.containers: Required value/,
    culprit: [/^Deployment kfg-rd-operation-failed\/web$/, 'SyncFailed'],
  },
  {
    state: 'certificate-pending',
    phase: 'progressing',
    reason: /^Progressing: Certificate kfg-rd-certificate-pending\/web-tls: Waiting for certificate$/,
    culprit: [/^Certificate kfg-rd-certificate-pending\/web-tls$/, 'Progressing'],
  },
  { state: 'comparison-error', phase: 'failed', reason: /^ComparisonError: .*no-such-dir: app path does not exist$/ },
  { state: 'operation-error', phase: 'failed', reason: /^ComparisonError: .*no-such-dir: app path does not exist$/ },
  // Argo CD's reason, as go-git words a repository the server answers 404 for.
  {
    state: 'repo-unreachable',
    phase: 'failed',
    reason: /^ComparisonError: .*(repository not found|authentication required)/i,
  },
  {
    state: 'stale-revision',
    phase: 'progressing',
    reason: (m, app) =>
      new RegExp(`^Synced at ${short(app.status?.sync?.revision ?? '')}, waiting for ${short(m.expectedRevision)}$`),
  },
];

it('has captures from every Argo CD line the local cluster runs and the frozen ones, and nothing else', () => {
  expect(readdirSync(APP_STATUS_ROOT).sort()).toEqual([...CAPTURED_LINES].sort());
});

describe.each(CAPTURED_LINES)('assessApplication on real Argo CD %s documents', (version) => {
  const dir = appStatusDir(version);
  const load = (state: string) => loadFrom(state, dir);
  it('covers every captured fixture, and every fixture is a real capture', () => {
    const captured = readdirSync(dir)
      .filter((f) => f.endsWith('.meta.json'))
      .map((f) => f.replace('.meta.json', ''))
      .sort();
    expect(captured).toEqual(
      recipesFor(version)
        .map((r) => r.state)
        .filter((state) => uncaptured(state, version) === undefined)
        .sort(),
    );
    expect(CASES.map((c) => c.state)).toEqual(expect.arrayContaining(captured));
    for (const state of captured) {
      const { app } = load(state);
      expect(app.metadata.name).toBe(`kfg-rd-${state}`);
      expect(app.metadata.uid, state).toMatch(/^[0-9a-f-]{36}$/);
      expect(app.status?.reconciledAt, state).toBeDefined();
      expect(app.metadata, state).not.toHaveProperty('managedFields');
    }
  });

  for (const c of CASES.filter((x) => recipesFor(version).some((r) => r.state === x.state))) {
    const skip = uncaptured(c.state, version) !== undefined;
    it.skipIf(skip)(`${c.state}: ${c.phase}`, () => {
      const { app, meta } = load(c.state);
      expect(meta.expectedPhase).toBe(c.phase);
      const s = assessApplication(app, meta.expectedRevision);
      expect(s.phase).toBe(c.phase);
      expect(s.reason).toMatch(typeof c.reason === 'function' ? c.reason(meta, app) : c.reason);
      if (c.culprit) {
        const [resource, status] = c.culprit;
        expect(
          s.problems.some((p: Problem) => resource.test(p.resource) && p.status === status),
          JSON.stringify(s.problems),
        ).toBe(true);
      }
      if (c.phase === 'ready') expect(s.problems).toEqual([]);
      expect(s.sync).toBe(app.status?.sync?.status);
      expect(s.health).toBe(app.status?.health?.status);
      expect(s.resources.total).toBe(app.status?.resources?.length ?? 0);
    });

    it.skipIf(skip)(`${c.state}: is never ready for a revision it was not synced at`, () => {
      const { app } = load(c.state);
      expect(assessApplication(app, OTHER_SHA).phase).not.toBe('ready');
    });
  }
});

describe.skipIf(uncaptured('repo-unreachable'))('a repository Argo CD cannot read', () => {
  it("is marked unreachable, with Argo CD's own reason", () => {
    const { app, meta } = load('repo-unreachable');
    const s = assessApplication(app, meta.expectedRevision);
    expect(s).toMatchObject({ phase: 'failed', repoUnreachable: true });
  });
  it('is not confused with a comparison error about the content (a path the repository lacks)', () => {
    const { app, meta } = load('comparison-error');
    expect(assessApplication(app, meta.expectedRevision).repoUnreachable).toBeUndefined();
  });
});

describe('assessApplication edge cases derived from real documents', () => {
  it('a missing Application is missing', () => {
    expect(assessApplication(undefined, OTHER_SHA)).toMatchObject({ phase: 'missing', problems: [] });
  });

  it('a sync waiting for an object Argo CD still sees is progress, not a stuck sync', () => {
    const { app, meta } = clone('awaits-deleted');
    for (const r of app.status?.resources ?? []) if (r.kind === 'Deployment') r.health = { status: 'Progressing' };
    const s = assessApplication(app, meta.expectedRevision);
    expect(s).toMatchObject({
      phase: 'progressing',
      reason: 'syncing: waiting for healthy state of apps/Deployment/web',
    });
    expect(s.awaitsMissing).toBeUndefined();
  });

  it('a stuck sync names the object for the API server check (group, version, namespace)', () => {
    const { app, meta } = load('awaits-deleted');
    expect(assessApplication(app, meta.expectedRevision).awaitsMissing).toMatchObject({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      namespace: 'kfg-rd-awaits-deleted',
      name: 'web',
    });
  });

  it('ready at A is progressing when B is expected, and says which is which', () => {
    const { app, meta } = load('synced-healthy');
    const s = assessApplication(app, OTHER_SHA);
    expect(s).toMatchObject({
      phase: 'progressing',
      reason: `Synced at ${short(meta.expectedRevision)}, waiting for f00dfee`,
    });
  });

  it('a failed sync of an earlier revision is not a failure of the pushed one (its SyncError condition is stale)', () => {
    const { app, meta } = load('operation-failed');
    const s = assessApplication(app, OTHER_SHA);
    expect(s.phase).toBe('progressing');
    expect(s.reason).toBe(
      `OutOfSync at ${short(meta.expectedRevision)}, waiting for f00dfee (last sync failed at ${short(meta.expectedRevision)})`,
    );
  });

  it('a failed sync that Argo CD retries (operation still Running) is a failure with the reason, not a wait', () => {
    const { app, meta } = clone('operation-failed');
    const op = app.status?.operationState;
    expect(op?.message).toMatch(/containers: Required value/);
    if (!op) throw new Error('fixture has no operationState');
    // What Argo CD shows between attempts (seen live on the local cluster with v3.2.12).
    op.phase = 'Running';
    op.retryCount = 3;
    op.message =
      'one or more objects failed to apply, reason: Deployment.apps "web" is invalid: spec.template.spec.containers: Required value. Retrying attempt #3 at 5:51AM.';
    delete app.status?.conditions;
    const s = assessApplication(app, meta.expectedRevision);
    expect(s.phase).toBe('failed');
    expect(s.reason).toBe(
      'sync failed, Argo CD is retrying (attempt 3): one or more objects failed to apply, reason: Deployment.apps "web" is invalid: spec.template.spec.containers: Required value',
    );
    expect(s.problems.some((p) => /Deployment .*web$/.test(p.resource) && p.status === 'SyncFailed')).toBe(true);
    // A first attempt still running is progress.
    op.retryCount = 0;
    op.message = 'one or more tasks are running';
    expect(assessApplication(app, meta.expectedRevision).phase).not.toBe('failed');
  });

  it('an operation in phase Error fails even without the ComparisonError condition beside it', () => {
    const { app, meta } = clone('operation-error');
    delete app.status?.conditions;
    const s = assessApplication(app, meta.expectedRevision);
    expect(s.phase).toBe('failed');
    expect(s.reason).toMatch(/^sync error: ComparisonError: .*app path does not exist$/);
  });

  it('multi-source: ready when the pushed sha is any source revision, not only the first', () => {
    const { app, meta } = load('multi-source');
    const revisions = app.status?.sync?.revisions ?? [];
    expect(revisions).toHaveLength(2);
    expect(revisions[0]).not.toBe(meta.expectedRevision);
    expect(app.status?.sync?.revision ?? '').toBe('');
    expect(assessApplication(app, meta.expectedRevision)).toMatchObject({
      phase: 'ready',
      revision: meta.expectedRevision,
    });
  });

  it('plain resources marked hookPhase Running after a successful sync are not reported as waiting hooks', () => {
    const { app, meta } = clone('synced-healthy');
    expect(app.status?.operationState?.syncResult?.resources?.every((r) => r.hookPhase === 'Running')).toBe(true);
    const op = app.status?.operationState;
    if (op) op.phase = 'Running';
    const s = assessApplication(app, meta.expectedRevision);
    expect(s).toMatchObject({ phase: 'progressing', problems: [] });
    expect(s.reason).toMatch(/^syncing/);
  });

  it('an Application being deleted is progressing, not ready', () => {
    const { app, meta } = clone('synced-healthy');
    app.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(assessApplication(app, meta.expectedRevision)).toMatchObject({
      phase: 'progressing',
      reason: 'being deleted',
    });
  });

  it('OutOfSync after a successful sync of the pushed revision asks for a fresh comparison; before any sync it does not', () => {
    const { app, meta } = clone('synced-healthy');
    if (app.status?.sync) app.status.sync.status = 'OutOfSync';
    expect(assessApplication(app, meta.expectedRevision)).toMatchObject({
      phase: 'progressing',
      recheck: true,
      reason: `OutOfSync: synced ${meta.expectedRevision.slice(0, 7)}, waiting for Argo CD to compare again`,
    });
    const { app: waiting, meta: m } = clone('out-of-sync');
    expect(assessApplication(waiting, m.expectedRevision).recheck).toBeUndefined();
  });

  it('Synced and Healthy with an unfinished last operation is not ready', () => {
    const { app, meta } = clone('synced-healthy');
    const op = app.status?.operationState;
    if (op) op.phase = 'Terminating';
    expect(assessApplication(app, meta.expectedRevision)).toMatchObject({
      phase: 'progressing',
      reason: 'last operation Terminating',
    });
  });

  it('an Application-level health message (Argo CD before v3) is preferred over the resource one', () => {
    const { app, meta } = clone('degraded');
    if (app.status?.health) app.status.health.message = 'one or more resources are degraded';
    expect(assessApplication(app, meta.expectedRevision).reason).toBe('Degraded: one or more resources are degraded');
  });

  it('Argo CD v3.6\'s "Caused by" health message: the resource it names, with that resource\'s own message', () => {
    const { app, meta } = clone('degraded');
    if (app.status?.health) app.status.health.message = 'Caused by apps/Deployment:kfg-rd-degraded/web';
    expect(assessApplication(app, meta.expectedRevision).reason).toBe(
      'Degraded: Deployment kfg-rd-degraded/web: Deployment "web" exceeded its progress deadline',
    );
  });

  it('"Caused by" without per-resource health (persistence off) names the first resource it gives', () => {
    const { app, meta } = clone('progressing');
    if (app.status?.health) app.status.health.message = 'Caused by apps/Deployment:kfg-rd-progressing/web and 2 more';
    for (const r of app.status?.resources ?? []) delete r.health;
    const s = assessApplication(app, meta.expectedRevision);
    expect(s.reason).toBe('Progressing: Deployment kfg-rd-progressing/web is Progressing');
    // No problems: explain-from-objects.ts still reads the workloads for the real reason.
    expect(s.problems).toEqual([]);
  });

  it('reads every resource of a "Caused by" message, cluster-scoped and core ones included', () => {
    expect(
      causesOf(
        'Caused by apps/Deployment:kubeflow/web, apiextensions.k8s.io/CustomResourceDefinition:notebooks.kubeflow.org, PersistentVolumeClaim:kubeflow/data and 4 more',
      ),
    ).toEqual([
      'Deployment kubeflow/web',
      'CustomResourceDefinition notebooks.kubeflow.org',
      'PersistentVolumeClaim kubeflow/data',
    ]);
    expect(causesOf('one or more resources are degraded')).toBeUndefined();
    expect(causesOf(undefined)).toBeUndefined();
  });

  it('Degraded wins over a stale revision: the watcher can stop early even before Argo CD compares the new commit', () => {
    const { app } = load('degraded');
    expect(assessApplication(app, OTHER_SHA).phase).toBe('failed');
  });
});

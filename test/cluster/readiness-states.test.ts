/**
 * Keeps the recorded Application documents honest: re-creates the states on the live Argo CD
 * (ready, degraded, failed sync, stale revision, and before v3.4 a sync waiting for a deleted object;
 * from v3.4 Argo CD applies such an object again, which is checked instead), runs the
 * readiness function on what the API returns, and checks the live status has the shape of the
 * fixture the unit tests use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKube } from '../../installer/systems/kube.js';
import { assessApplication, type ArgoApplication } from '../../installer/watch/assess-application.js';
import { explainFromObjects } from '../../installer/watch/explain-from-objects.js';
import { waitForComponents } from '../../installer/watch/wait-for-components.js';
import { clusterUnavailable, ensureCluster } from '../local-cluster/cluster.js';
import { argocdVersion } from '../../installer/systems/local-cluster/config.js';
import { recipe, recipesFor, stateName } from '../support/app-states.js';
import { ArgoLab, type LiveApp } from '../support/argo-lab.js';
import { appStatusDir } from '../support/app-status-fixtures.js';

const skip = clusterUnavailable();
// The cluster is shared and outlives runs: a run suffix keeps this apart from the capture script and older runs.
const run = Date.now().toString(36);
const ALL_STATES = [
  'synced-healthy',
  'degraded',
  'operation-failed',
  'stale-revision',
  'awaits-deleted',
  'repo-unreachable',
] as const;
type State = (typeof ALL_STATES)[number];
const version = argocdVersion();
// awaits-deleted exists only before v3.4 (recipe onlyOn); from v3.4 Argo CD re-applies the object instead.
const STATES = ALL_STATES.filter((s) => recipesFor(version).some((r) => r.state === s));
const showsAwaitsDeleted = STATES.includes('awaits-deleted');

const fixture = (state: State) =>
  JSON.parse(readFileSync(join(appStatusDir(), `${state}.json`), 'utf8')) as ArgoApplication;
const statusKeys = (a: ArgoApplication) => Object.keys(a.status ?? {}).sort();

describe.skipIf(skip)('readiness on live Argo CD Applications', () => {
  let lab: ArgoLab | undefined;
  const live = new Map<State, PromiseSettledResult<{ app: LiveApp; expectedRevision: string }>>();

  let kubeconfig = '';
  beforeAll(async () => {
    const env = await ensureCluster();
    kubeconfig = env.kubeconfig;
    const l = new ArgoLab(env);
    lab = l;
    // The states settle independently; producing them side by side keeps the file near half a minute.
    const results = await Promise.allSettled(STATES.map((s) => recipe(s).produce(l, stateName(s, run))));
    STATES.forEach((s, i) => {
      live.set(s, results[i]!);
    });
  });
  // Without a cluster beforeAll failed before the lab existed; only that error should be reported.
  afterAll(async () => {
    await lab?.cleanup();
  });

  const produced = (state: State) => {
    const r = live.get(state);
    if (r?.status !== 'fulfilled') throw new Error(`${state} was not produced: ${String(r?.reason)}`);
    return r.value;
  };

  for (const state of STATES) {
    it(`${state}: assessed as ${recipe(state).expectedPhase}, with the status fields of the fixture`, () => {
      const { app, expectedRevision } = produced(state);
      expect(assessApplication(app, expectedRevision).phase).toBe(recipe(state).expectedPhase);
      expect(statusKeys(app)).toEqual(statusKeys(fixture(state)));
    });
  }

  it("repo-unreachable: Argo CD's reason marks the fork's repository as unreadable (the watch stops at once)", () => {
    const { app, expectedRevision } = produced('repo-unreachable');
    expect(assessApplication(app, expectedRevision)).toMatchObject({ phase: 'failed', repoUnreachable: true });
  });

  it('degraded: the reason names the Deployment and its progress deadline', () => {
    const { app, expectedRevision } = produced('degraded');
    const s = assessApplication(app, expectedRevision);
    expect(s.reason).toBe(
      `Degraded: Deployment ${stateName('degraded', run)}/web: Deployment "web" exceeded its progress deadline`,
    );
  });

  it('degraded, on an Argo CD that keeps no per-resource health: the report reads the Deployment itself', async () => {
    const { app, expectedRevision } = produced('degraded');
    // What v3 with controller.resource.health.persist=false stores: the resource list without health.
    const bare = structuredClone(app);
    for (const r of bare.status?.resources ?? []) delete r.health;
    const state = assessApplication(bare, expectedRevision);
    expect(state).toMatchObject({ phase: 'failed', problems: [] });
    const name = stateName('degraded', run);
    const explained = await explainFromObjects(createKube({ kubeconfig }), new Map([[name, state]]));
    // The Deployment controller's own words (Argo CD words the same condition as "exceeded its progress deadline").
    expect(explained.get(name)?.reason).toMatch(
      new RegExp(`^Degraded: Deployment ${name}/web: ReplicaSet "web-[0-9a-f]+" has timed out progressing\\.$`),
    );
  });

  it('operation-failed: the reason carries the apiserver rejection and problems the failed resource', () => {
    const { app, expectedRevision } = produced('operation-failed');
    const s = assessApplication(app, expectedRevision);
    expect(s.reason).toMatch(/spec\.template\.spec\.containers: Required value/);
    expect(s.problems).toContainEqual(
      expect.objectContaining({
        resource: `Deployment ${stateName('operation-failed', run)}/web`,
        status: 'SyncFailed',
      }),
    );
  });

  it.runIf(showsAwaitsDeleted)(
    'awaits-deleted: the watch checks the API server and fails the component after the grace, naming the object',
    async () => {
      const { expectedRevision } = produced('awaits-deleted');
      const name = stateName('awaits-deleted', run);
      const wait = await waitForComponents(createKube({ kubeconfig }), {
        components: [{ name, wave: 0 }],
        expectedRevision,
        componentTimeoutMs: 120_000,
        overallTimeoutMs: 120_000,
        failureGraceMs: 2_000,
        onState: () => undefined,
      });
      expect(wait.outcome).toEqual({ kind: 'failed', components: [name] });
      expect(wait.states.get(name)?.reason).toMatch(
        new RegExp(`^sync cannot finish: it waits for Deployment ${name}/web to turn healthy, but that object is gone`),
      );
    },
  );

  it.runIf(!showsAwaitsDeleted)(
    `a deleted object the sync waits for is applied again by Argo CD ${version}, and the wait stays progress`,
    async () => {
      const name = stateName('reapplied', run);
      const repo = await lab!.repo(name);
      // A later wave makes the sync wait for the Deployment's health (as the awaits-deleted recipe).
      const sha = await repo.commit({
        'configmap.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after-web\n  annotations: {argocd.argoproj.io/sync-wave: "1"}\ndata: {a: b}\n',
        'deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      nodeSelector: {kfg-rd/nowhere: "true"}\n      containers: [{name: web, image: registry.k8s.io/pause:3.10}]\n',
      });
      await lab!.application(name, {
        sources: [{ repoURL: repo.url, path: '.', targetRevision: 'main' }],
        namespace: name,
      });
      const waiting = (a: ArgoApplication) =>
        a.status?.operationState?.phase === 'Running' &&
        (a.status.operationState.message ?? '').startsWith('waiting for healthy state of apps/Deployment/web');
      await lab!.waitFor(name, (a) => a.status?.sync?.revision === sha && waiting(a));
      const kube = createKube({ kubeconfig });
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: name, name: 'web' };
      const first = (await kube.get(ref))?.metadata?.uid;
      await kube.delete(ref);
      const deadline = Date.now() + 120_000;
      let again: string | undefined;
      while (Date.now() < deadline) {
        again = (await kube.get(ref))?.metadata?.uid;
        if (again !== undefined && again !== first) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(again, 'Argo CD applied the Deployment again').toBeDefined();
      expect(again).not.toBe(first);
      const app = await lab!.waitFor(name, waiting);
      expect(assessApplication(app, sha).phase).toBe('progressing');
    },
  );

  it('stale-revision: becomes ready at the new commit once Argo CD re-reads git', async () => {
    const { app, expectedRevision } = produced('stale-revision');
    expect(assessApplication(app, expectedRevision).reason).toMatch(/^Synced at [0-9a-f]{7}, waiting for [0-9a-f]{7}$/);
    const name = stateName('stale-revision', run);
    await lab!.refresh(name);
    const after = await lab!.waitFor(name, (a) => assessApplication(a, expectedRevision).phase === 'ready', 120_000);
    expect(assessApplication(after, expectedRevision)).toMatchObject({ phase: 'ready', revision: expectedRevision });
  });
});

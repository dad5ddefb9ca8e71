/**
 * Keeps the recorded Application documents honest: re-creates five states on the live Argo CD
 * (ready, degraded, failed sync, stale revision, a sync waiting for a deleted object), runs the
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
import { recipe, stateName } from '../support/app-states.js';
import { ArgoLab, type LiveApp } from '../support/argo-lab.js';
import { appStatusDir } from '../support/app-status-fixtures.js';

const skip = clusterUnavailable();
// The cluster is shared and outlives runs: a run suffix keeps this apart from the capture script and older runs.
const run = Date.now().toString(36);
const STATES = ['synced-healthy', 'degraded', 'operation-failed', 'stale-revision', 'awaits-deleted'] as const;
type State = (typeof STATES)[number];

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
    // The five settle independently; producing them side by side keeps the file near half a minute.
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

  it('awaits-deleted: the watch checks the API server and fails the component after the grace, naming the object', async () => {
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
  });

  it('stale-revision: becomes ready at the new commit once Argo CD re-reads git', async () => {
    const { app, expectedRevision } = produced('stale-revision');
    expect(assessApplication(app, expectedRevision).reason).toMatch(/^Synced at [0-9a-f]{7}, waiting for [0-9a-f]{7}$/);
    const name = stateName('stale-revision', run);
    await lab!.refresh(name);
    const after = await lab!.waitFor(name, (a) => assessApplication(a, expectedRevision).phase === 'ready', 120_000);
    expect(assessApplication(after, expectedRevision)).toMatchObject({ phase: 'ready', revision: expectedRevision });
  });
});

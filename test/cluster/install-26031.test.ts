/**
 * Kubeflow 26.03.1-rc.2 (ten folders under applications/, Kubernetes 1.35+) on the local cluster:
 * `install` of Pipelines, Notebooks and KServe ends with every child Synced at the pushed commit and
 * Healthy, checked independently of the installer. Lighter than install-lifecycle.test.ts: no API
 * server restart, no broken commit; the harness resets the cluster afterwards.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../installer/systems/kube.js';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';

const run = promisify(execFile);
const skip = clusterUnavailable() ?? fixturesMissing();

interface App extends KubeObject {
  status?: { sync?: { status?: string; revision?: string }; health?: { status?: string } };
}

describe.skipIf(skip)('install 26.03.1-rc.2 on the local cluster', () => {
  let h: InstallHarness;
  beforeAll(async () => {
    h = await startInstallHarness();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  it('Pipelines, Notebooks and KServe reach Synced at the pushed commit and Healthy', async () => {
    const r = await h.cli(h.installArgs({ release: '26.03.1-rc.2', components: 'pipelines,notebooks,kserve' }));
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, await h.explain(r)).toBe(0);
    const [, branch, revision] = r.stdout.trim().split(' ');
    const remote = (
      await run('git', ['ls-remote', h.fork, `refs/heads/${branch ?? ''}`], { env: { ...process.env, ...h.gitEnv() } })
    ).stdout.split('\t')[0];
    expect(revision).toBe(remote);

    const apps = (
      await h.kube.request<{ items: App[] }>(
        'GET',
        '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubeflow-gitops',
      )
    ).items.filter((a) => a.metadata?.name !== 'kubeflow');
    // The ten-folder layout under the stable names: the profile controller and PodDefaults webhook are
    // part of central-dashboard, the Jupyter web app of notebook-controller, kubeflow-issuer is its own.
    expect(apps.map((a) => a.metadata?.name).sort()).toEqual(
      [
        'central-dashboard',
        'cert-manager',
        'cluster-local-gateway',
        'dex',
        'istio',
        'istio-crds',
        'istio-namespace',
        'knative-serving',
        'kserve',
        'kubeflow-issuer',
        'kubeflow-istio-resources',
        'kubeflow-namespace',
        'kubeflow-roles',
        'notebook-controller',
        'oauth2-proxy',
        'pipelines',
      ].sort(),
    );
    for (const a of apps) {
      expect(
        `${a.metadata?.name ?? ''} ${a.status?.sync?.status ?? ''} ${a.status?.health?.status ?? ''} ${a.status?.sync?.revision ?? ''}`,
      ).toBe(`${a.metadata?.name ?? ''} Synced Healthy ${remote ?? ''}`);
    }
    // Nothing of an upgrade is left behind by a fresh install.
    expect(
      await h.kube.get({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: 'argocd',
        name: 'kubeflow-gitops-upgrade-holds',
      }),
    ).toBeUndefined();
  });
});

/**
 * Kubeflow 26.03.1-rc.2 (ten folders under applications/, Kubernetes 1.35+) on the local cluster:
 * `install` of Pipelines, Notebooks and KServe ends with every child Synced at the pushed commit and
 * Healthy, checked independently of the installer. Lighter than install-lifecycle.test.ts: no API
 * server restart, no broken commit; the harness resets the cluster afterwards.
 */
import { describe, expect, it } from 'vitest';
import { clusterTestSkip, installHarnessSuite } from '../support/installer-harness.js';

describe.skipIf(clusterTestSkip())('install 26.03.1-rc.2 on the local cluster', () => {
  const h = installHarnessSuite();

  it('Pipelines, Notebooks and KServe reach Synced at the pushed commit and Healthy', async () => {
    const r = await h.cli(h.installArgs({ release: '26.03.1-rc.2', components: 'pipelines,notebooks,kserve' }));
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, await h.explain(r)).toBe(0);
    const [, branch, revision] = r.stdout.trim().split(' ');
    const remote = await h.forkTip(branch);
    expect(revision).toBe(remote);
    const apps = await h.expectEveryComponentAt(remote);
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

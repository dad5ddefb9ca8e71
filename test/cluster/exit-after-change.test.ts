/**
 * Exit 3 means "nothing was changed". Through the real CLI on the local cluster, with a loopback
 * proxy in front of the real API server that refuses one call once the run has applied the root
 * Application: listing Applications for the watch answers 403, as an identity that lost its rights
 * mid-run would get. Before, any 403 exited 3; now the run exits 1, names the refused call, and says
 * what it changed before it stopped.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { startApiProxy, type ApiProxy, type ProxiedRequest } from '../support/api-proxy.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';

const skip = clusterUnavailable() ?? fixturesMissing();
const APPS = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';
const ROOT = `${APPS}/kubeflow`;

const rootApplied = (earlier: readonly ProxiedRequest[]) =>
  earlier.some((r) => r.method === 'PATCH' && r.path.startsWith(`${ROOT}?`) && (r.status === 200 || r.status === 201));

describe.skipIf(skip)('a failure after the root was applied', () => {
  let h: InstallHarness;
  let proxy: ApiProxy;
  beforeAll(async () => {
    h = await startInstallHarness();
    proxy = await startApiProxy(
      h.env.kubeconfig,
      join(mkdtempSync(join(tmpdir(), 'kfg-proxy-')), 'kubeconfig'),
      (r, earlier) =>
        r.method === 'GET' && r.path.split('?')[0] === APPS && rootApplied(earlier)
          ? {
              code: 403,
              reason: 'Forbidden',
              message: `applications.argoproj.io is forbidden: refused by the test's proxy after the root was applied`,
            }
          : undefined,
    );
  });
  afterAll(async () => {
    await proxy.close();
    await h.cleanup();
  });

  it('exits 1, not 3, names the refused call and lists what it changed', async () => {
    const r = await h.cli(h.installArgs({ components: 'cert-manager', timeout: '10m' }), {
      KUBECONFIG: proxy.kubeconfig,
    });
    expect(rootApplied(proxy.requests), await h.explain(r)).toBe(true);
    expect(
      proxy.requests.some((q) => q.status === 403),
      await h.explain(r),
    ).toBe(true);
    expect(r.code, await h.explain(r)).toBe(1);
    expect(r.stderr).toContain('✗ Kubernetes API: Forbidden: list applications.argoproj.io in namespace argocd:');
    expect(r.stderr).toContain('before it stopped, this run had changed:');
    expect(r.stderr).toMatch(
      /context "kfg-local" \(http:\/\/127\.0\.0\.1:\d+\): \d+ changes \(create configmaps argocd\/kubeflow-gitops-install, /,
    );
    expect(r.stderr).toMatch(/the fork .*: pushed branch /);
    // It is the root the cluster holds now: the run did change it, as it says.
    expect(
      await h.kube.get({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        namespace: 'argocd',
        name: 'kubeflow',
      }),
    ).toBeDefined();
  });
});

/**
 * install on the local cluster (real kube-apiserver, real Argo CD, a fork on the loopback git server):
 * a wrong context, an unreachable API server and a read-only identity are refused with their own
 * messages and exit codes, and nothing is applied or pushed. The healthy-install scenarios are in
 * test/cluster-pending/ (see README: not yet stable on a 2-core machine).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';
import { fixturesMissing } from '../support/fixtures.js';

const run = promisify(execFile);
const skip = clusterUnavailable() ?? fixturesMissing();

describe.skipIf(skip)('install on the local cluster', () => {
  let h: InstallHarness;
  beforeAll(async () => {
    h = await startInstallHarness();
  });
  afterAll(async () => {
    await h.cleanup();
  });
  const rootApp = () =>
    h.kube.get({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: 'kubeflow' });

  it('refuses a wrong context, an unreachable API server and a read-only token, and applies nothing', async () => {
    const wrong = await h.cli([...h.installArgs(), '--context', 'no-such-context']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--context "no-such-context" is not in the kubeconfig');

    const dir = mkdtempSync(join(tmpdir(), 'kfg-kc-'));
    const dead = join(dir, 'dead.yaml');
    writeFileSync(
      dead,
      readFileSync(h.env.kubeconfig, 'utf8').replace(
        /server: https:\/\/127\.0\.0\.1:\d+/,
        'server: https://127.0.0.1:9',
      ),
    );
    const unreachable = await h.cli(h.installArgs(), { KUBECONFIG: dead });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/API server of context .* cannot be reached/);

    // A real read-only identity: a ServiceAccount bound to the built-in `view` role, with a bound token.
    await h.kube.apply({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'kfg-readonly', namespace: 'default' },
    });
    await h.kube.apply({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kfg-readonly' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'kfg-readonly', namespace: 'default' }],
    });
    const tr = await h.kube.request<{ status: { token: string } }>(
      'POST',
      '/api/v1/namespaces/default/serviceaccounts/kfg-readonly/token',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    );
    const ro = join(dir, 'readonly.yaml');
    writeFileSync(ro, readFileSync(h.env.kubeconfig, 'utf8').replace(/token: \S+/, `token: ${tr.status.token}`));
    const denied = await h.cli(h.installArgs(), { KUBECONFIG: ro });
    await h.kube.delete({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      name: 'kfg-readonly',
    });
    await h.kube.delete({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default', name: 'kfg-readonly' });
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/not allowed to: patch applications\.argoproj\.io in argocd/);

    expect(await rootApp()).toBeUndefined();
    expect((await run('git', ['ls-remote', h.fork], { env: { ...process.env, ...h.gitEnv() } })).stdout).toBe('');
  });
});

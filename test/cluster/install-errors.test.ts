/**
 * install on the local cluster (real kube-apiserver, real Argo CD, a fork on the loopback git server):
 * a wrong context, an unreachable API server and a read-only identity are refused with their own
 * messages and exit codes, and nothing is applied or pushed. The healthy-install scenarios are in
 * test/cluster-pending/ (see README: not yet stable on a 2-core machine).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKube, type Kube } from '../../installer/systems/kube.js';
import { clusterUnavailable, ensureCluster, type ClusterEnv } from '../local-cluster/cluster.js';
import { fixturesMissing, projectRoot } from '../support/fixtures.js';

const run = promisify(execFile);
const CLI = join(projectRoot, 'installer', 'cli.ts');
const skip = clusterUnavailable() ?? fixturesMissing();

interface Cli { code: number; stdout: string; stderr: string; seconds: number }

describe.skipIf(skip)('install on the local cluster', () => {
  let env: ClusterEnv;
  let kube: Kube;
  let fork: string;
  const gitEnv = () => ({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `http.${env.gitUrl}/.extraHeader`, GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x:${env.gitToken}`).toString('base64')}`, GIT_TERMINAL_PROMPT: '0' });

  function cli(args: string[], extra: Record<string, string> = {}, onStderr?: (line: string) => void): Promise<Cli> {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
        cwd: projectRoot, env: { ...process.env, KUBECONFIG: env.kubeconfig, KFG_GIT_TOKEN: env.gitToken, CI: 'true', KFG_STATE_DIR: mkdtempSync(join(tmpdir(), 'kfg-st-')), ...extra },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); for (const l of d.toString().split('\n')) if (l) onStderr?.(l); });
      child.on('close', (code) => { resolve({ code: code ?? -1, stdout, stderr, seconds: (Date.now() - started) / 1000 }); });
    });
  }
  const installArgs = () => ['install', '--yes', '--fork', fork, '--mirror', `https://github.com/=${env.gitUrl}/`, '--release', '26.03',
    '--components', 'pipelines,notebooks,kserve', '--target', 'local', '--timeout', '15m'];
  const rootApp = () => kube.get({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: 'kubeflow' });

  beforeAll(async () => {
    env = await ensureCluster();
    kube = createKube({ kubeconfig: env.kubeconfig });
    fork = env.createForkRepo(`install-${Date.now().toString(36)}`);
  });

  afterAll(async () => {
    // Leave the shared cluster as found: deleting the root cascades through Argo CD's finalizers.
    await kube.delete({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: 'kubeflow' }).catch(() => undefined);
    for (let i = 0; i < 120; i++) {
      const list = await kube.request<{ items: unknown[] }>('GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubeflow-gitops');
      if (list.items.length === 0) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    await kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace: 'argocd', name: 'kubeflow-gitops-repo' }).catch(() => undefined);
  });

  it('refuses a wrong context, an unreachable API server and a read-only token, and applies nothing', async () => {
    const wrong = await cli([...installArgs(), '--context', 'no-such-context']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--context "no-such-context" is not in the kubeconfig');

    const dir = mkdtempSync(join(tmpdir(), 'kfg-kc-'));
    const dead = join(dir, 'dead.yaml');
    writeFileSync(dead, readFileSync(env.kubeconfig, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:9'));
    const unreachable = await cli(installArgs(), { KUBECONFIG: dead });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/API server of context .* cannot be reached/);

    // A real read-only identity: a ServiceAccount bound to the built-in `view` role, with a bound token.
    await kube.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kfg-readonly', namespace: 'default' } });
    await kube.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'kfg-readonly' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'kfg-readonly', namespace: 'default' }] });
    const tr = await kube.request<{ status: { token: string } }>('POST', '/api/v1/namespaces/default/serviceaccounts/kfg-readonly/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } });
    const ro = join(dir, 'readonly.yaml');
    writeFileSync(ro, readFileSync(env.kubeconfig, 'utf8').replace(/token: \S+/, `token: ${tr.status.token}`));
    const denied = await cli(installArgs(), { KUBECONFIG: ro });
    await kube.delete({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'kfg-readonly' });
    await kube.delete({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default', name: 'kfg-readonly' });
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/not allowed to: patch applications\.argoproj\.io in argocd/);

    expect(await rootApp()).toBeUndefined();
    expect((await run('git', ['ls-remote', fork], { env: { ...process.env, ...gitEnv() } })).stdout).toBe('');
  });
});

/**
 * NOT RUN BY CI YET (vitest includes test/cluster/ only): on the 2-core local cluster Argo CD's cluster
 * cache lags behind CRD status and object changes for minutes under load, so these do not yet pass
 * reliably. Run by hand: npx vitest run --dir test/cluster-pending.
 *
 * Acceptance for install/apply/status on the local cluster: real kube-apiserver, real Argo CD, a fork
 * on the loopback git server. Error paths first (nothing may be applied), then a full install of
 * Pipelines, Notebooks and KServe with the API server restarted mid-watch, then a broken commit that
 * `status` must name.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKube, type Kube, type KubeObject } from '../../installer/systems/kube.js';
import { clusterUnavailable, ensureCluster, type ClusterEnv } from '../local-cluster/cluster.js';
import { up } from '../local-cluster/lifecycle.js';
import { statePaths } from '../local-cluster/config.js';
import { stopManaged } from '../local-cluster/processes.js';
import { fixturesMissing, projectRoot } from '../support/fixtures.js';

const run = promisify(execFile);
const CLI = join(projectRoot, 'installer', 'cli.ts');
const skip = clusterUnavailable() ?? fixturesMissing();

interface Cli { code: number; stdout: string; stderr: string; seconds: number }
interface App extends KubeObject { status?: { sync?: { status?: string; revision?: string }; health?: { status?: string } } }

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

  it('installs Pipelines, Notebooks and KServe to Synced-at-the-pushed-commit and Healthy, surviving an API server restart', async () => {
    let restarted: Promise<void> | undefined;
    const r = await cli(installArgs(), {}, (line) => {
      // Once the watch runs, take the API server down and bring it back.
      if (restarted === undefined && line.includes('watching')) {
        restarted = (async () => {
          await stopManaged(statePaths(env.stateDir).pids, 'kube-apiserver');
          await new Promise((res) => setTimeout(res, 3000));
          await up(() => undefined);
        })();
      }
    });
    await restarted;
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    expect(restarted).toBeDefined();
    const [, branch, revision] = r.stdout.trim().split(' ');
    const remote = (await run('git', ['ls-remote', fork, `refs/heads/${branch ?? ''}`], { env: { ...process.env, ...gitEnv() } })).stdout.split('\t')[0];
    expect(revision).toBe(remote);

    // Independently of the installer: every child is Synced at that commit and Healthy.
    const apps = (await kube.request<{ items: App[] }>('GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubeflow-gitops')).items
      .filter((a) => a.metadata?.name !== 'kubeflow');
    expect(apps.map((a) => a.metadata?.name)).toEqual(expect.arrayContaining(['pipelines', 'notebook-controller', 'jupyter-web-app', 'kserve', 'knative-serving', 'istio', 'cert-manager']));
    for (const a of apps) {
      expect(`${a.metadata?.name ?? ''} ${a.status?.sync?.status ?? ''} ${a.status?.health?.status ?? ''} ${a.status?.sync?.revision ?? ''}`)
        .toBe(`${a.metadata?.name ?? ''} Synced Healthy ${remote ?? ''}`);
    }
  });

  it('status names a component broken by a new commit, with the reason, and exits non-zero', async () => {
    const work = mkdtempSync(join(tmpdir(), 'kfg-break-'));
    const g = (args: string[]) => run('git', args, { cwd: work, env: { ...process.env, ...gitEnv() } });
    await g(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, '.']);
    writeFileSync(join(work, 'overlays/local/jupyter-web-app/broken.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: kfg-broken\n  namespace: kubeflow\nspec:\n  selector: {matchLabels: {app: kfg-broken}}\n  template:\n    metadata: {labels: {app: kfg-broken}}\n    spec: {containers: []}\n');
    const k = join(work, 'overlays/local/jupyter-web-app/kustomization.yaml');
    writeFileSync(k, readFileSync(k, 'utf8').replace('resources:\n', 'resources:\n- broken.yaml\n'));
    await g(['add', '-A']);
    await g(['-c', 'user.name=t', '-c', 'user.email=t@x', 'commit', '--quiet', '-m', 'break jupyter-web-app']);
    await g(['push', '--quiet', 'origin', 'HEAD:kubeflow-gitops']);
    await kube.request('PATCH', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/jupyter-web-app', { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } }, 'application/merge-patch+json');
    const r = await cli(['status', '--watch', '--failure-grace', '5s', '--timeout', '5m']);
    expect(r.code, r.stderr.slice(-2000)).toBe(4);
    expect(r.stderr).toMatch(/jupyter-web-app\s+failed/);
    expect(r.stderr).toMatch(/containers: Required value/);
  });
});

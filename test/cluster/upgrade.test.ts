/**
 * `upgrade` ends healthy on the local cluster (real kube-apiserver, real Argo CD, a fork on the
 * loopback git server): install v1.11.0 with the two components 26.03 folds into others
 * (kubeflow-issuer into cert-manager, network-policies into kubeflow-namespace), upgrade to 26.03
 * through the CLI, and every component left is Synced at the pushed merge and Healthy, the folded
 * Applications are gone and what they deployed is there, now from their new homes.
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

interface App extends KubeObject { status?: { sync?: { status?: string; revision?: string }; health?: { status?: string } } }
const APPS = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubeflow-gitops';

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 3000));
  }
}

describe.skipIf(skip)('upgrade on the local cluster', () => {
  let h: InstallHarness;
  beforeAll(async () => { h = await startInstallHarness(); });
  afterAll(async () => { await h.cleanup(); });

  it('v1.11.0 -> 26.03: pushed, applied, every component Synced at the merge and Healthy; folded components gone', async () => {
    const common = ['--yes', '--fork', h.fork, '--mirror', `https://github.com/=${h.env.gitUrl}/`, '--timeout', '15m'];
    const installed = await h.cli(['install', ...common, '--release', 'v1.11.0', '--target', 'local', '--components', 'kubeflow-issuer,network-policies']);
    expect(installed.code, installed.stderr.slice(-3000)).toBe(0);
    const apps = async (): Promise<App[]> => (await h.kube.request<{ items: App[] }>('GET', APPS)).items.filter((a) => a.metadata?.name !== 'kubeflow');
    expect((await apps()).map((a) => a.metadata?.name).sort()).toEqual(['cert-manager', 'kubeflow-issuer', 'kubeflow-namespace', 'network-policies']);

    const r = await h.cli(['upgrade', ...common, '--to', '26.03']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    expect(r.stderr).toContain('kubeflow-issuer: part of cert-manager in 26.03');
    const [, branch, revision] = r.stdout.trim().split(' ');
    const remote = (await run('git', ['ls-remote', h.fork, `refs/heads/${branch ?? ''}`], { env: { ...process.env, ...h.gitEnv() } })).stdout.split('\t')[0];
    expect(revision).toBe(remote);

    // The root prunes the folded Applications; their objects come from the new homes.
    const left = await until('the folded Applications to be pruned', 300_000, async () => {
      const list = await apps();
      return list.length === 2 ? list : undefined;
    });
    for (const a of left) {
      expect(`${a.metadata?.name ?? ''} ${a.status?.sync?.status ?? ''} ${a.status?.health?.status ?? ''} ${a.status?.sync?.revision ?? ''}`)
        .toBe(`${a.metadata?.name ?? ''} Synced Healthy ${remote ?? ''}`);
    }
    // Deleting kubeflow-issuer's Application may take its ClusterIssuer with it; cert-manager's self-heal brings it back.
    // Argo CD 3 tracks by annotation: <app>:<group>/<kind>:<namespace>/<name>.
    await until('the ClusterIssuer, tracked by cert-manager', 300_000, async () => {
      const o = await h.kube.get({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', name: 'kubeflow-self-signing-issuer' });
      return o?.metadata?.annotations?.['argocd.argoproj.io/tracking-id']?.startsWith('cert-manager:') === true ? o : undefined;
    });
  });
});

/**
 * `kubeflow-gitops demo` through the real CLI on the running local cluster (the harness started it;
 * the demo must reuse it, not start another): a small selection (cert-manager) ends with exit 0 and
 * every Application Synced at the fork's commit and Healthy; the same command again changes nothing:
 * the same fork head, no new commit, nothing applied, and it says so. The fixture mirrors stand in
 * for github.com through KFG_MIRROR, as they would for install.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { fixturesMissing } from '../support/fixtures.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';

const run = promisify(execFile);
const skip = clusterUnavailable() ?? fixturesMissing();

interface App {
  metadata?: { name?: string; generation?: number };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string };
    operationState?: { phase?: string };
  };
}

describe.skipIf(skip)('demo on the local cluster', () => {
  let h: InstallHarness;
  const state = mkdtempSync(join(tmpdir(), 'kfg-demo-state-'));
  const fork = join(state, 'demo', 'manifests.git');
  beforeAll(async () => {
    h = await startInstallHarness();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  const demo = () =>
    h.cli(['demo', '--components', 'cert-manager', '--timeout', '10m'], {
      KFG_STATE_DIR: state,
      KFG_MIRROR: `https://github.com/=${h.env.gitUrl}/`,
    });
  const installApps = async () =>
    (
      await h.kube.request<{ items: App[] }>(
        'GET',
        '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubeflow-gitops',
      )
    ).items;
  const git = async (args: string[]) => (await run('git', ['--git-dir', fork, ...args])).stdout.trim();

  it('installs the selection into a local fork and ends with the status and what to try next', async () => {
    const r = await demo();
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, await h.explain(r)).toBe(0);
    expect(r.stderr).toContain('local cluster already running: reused it');
    expect(r.stderr).toContain(`creating the demo fork ${fork}`);
    const head = await git(['rev-parse', 'refs/heads/kubeflow-gitops']);
    expect(r.stdout.trim()).toBe(`file://${fork} kubeflow-gitops ${head}`);
    expect(r.stderr).toContain(`status: 1 component at ${head.slice(0, 7)}`);
    expect(r.stderr).toMatch(/there is no kubelet, so pods do not really run/);
    expect(r.stderr).toContain('npm run kubeflow-gitops -- status --watch');
    expect(r.stderr).toContain('npm run kubeflow-gitops -- uninstall');
    expect(r.stderr).toContain('scripts/local-cluster down');

    // Independently of the installer: the root and every component Synced at the fork's head, Healthy.
    const apps = await installApps();
    expect(apps.map((a) => a.metadata?.name).sort()).toEqual(['cert-manager', 'kubeflow']);
    // Seeded as Argo CD applies it. Argo CD's first comparison then normally finds it Synced and runs no
    // sync (the bench shows it for every component); a sync it does run must have succeeded.
    expect(r.stderr).toMatch(/seeded 1 component as Argo CD applies them/);
    for (const a of apps) expect([undefined, 'Succeeded'], a.metadata?.name).toContain(a.status?.operationState?.phase);
    for (const a of apps)
      expect(
        `${a.metadata?.name ?? ''} ${a.status?.sync?.status ?? ''} ${a.status?.health?.status ?? ''} ${a.status?.sync?.revision ?? ''}`,
      ).toBe(`${a.metadata?.name ?? ''} Synced Healthy ${head}`);
  });

  it('run again, changes nothing: same fork head, no new commit, nothing applied, and says so', async () => {
    const head = await git(['rev-parse', 'refs/heads/kubeflow-gitops']);
    const commits = await git(['rev-list', '--count', '--all']);
    // The specs, not generations: Application has no status subresource, so Argo CD's own status writes
    // (a periodic reconcile) bump its generation whatever the demo does.
    const specOf = (a: object) => JSON.stringify((a as { spec?: unknown }).spec);
    const specs = new Map((await installApps()).map((a) => [a.metadata?.name, specOf(a)]));

    const r = await demo();
    expect(r.code, await h.explain(r)).toBe(0);
    expect(r.stderr).toContain('local cluster already running: reused it');
    expect(r.stderr).toContain(`reusing the demo fork ${fork}`);
    expect(r.stderr).toContain(`the fork is up to date at ${head.slice(0, 7)}`);
    expect(r.stderr).toContain('everything was already in place');
    expect(r.stderr).not.toContain('applying the root Application');
    expect(r.stdout.trim()).toBe(`file://${fork} kubeflow-gitops ${head}`);

    expect(await git(['rev-parse', 'refs/heads/kubeflow-gitops'])).toBe(head);
    expect(await git(['rev-list', '--count', '--all'])).toBe(commits);
    const after = await installApps();
    expect(new Map(after.map((a) => [a.metadata?.name, specOf(a)]))).toEqual(specs);
    for (const a of after)
      expect(`${a.status?.sync?.status ?? ''} ${a.status?.health?.status ?? ''}`).toBe('Synced Healthy');
  });
});

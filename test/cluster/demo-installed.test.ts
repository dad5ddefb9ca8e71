/**
 * `kubeflow-gitops demo` from the published package, with the fixtures hidden: `npm pack`, then
 * `npm install --global` into a temporary prefix, run from that prefix (no source, no test/, no
 * ../shared beside it or the working directory) with KFG_FIXTURES naming a folder that does not
 * exist. It is given only a mirror of github.com: KFG_MIRROR to the local git server, where this
 * test's ensureCluster laid the fixtures out. A small selection (cert-manager) ends with exit 0 and
 * every Application Synced at the fork's head and Healthy, on the running cluster it reuses.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterUnavailable } from '../local-cluster/cluster.js';
import { fixturesMissing } from '../support/fixtures.js';
import { installPackage, runInstalled, type InstalledPackage } from '../support/installed-package.js';
import { startInstallHarness, type InstallHarness } from '../support/installer-harness.js';

const run = promisify(execFile);
const skip = clusterUnavailable() ?? fixturesMissing();

interface App {
  metadata?: { name?: string };
  status?: { sync?: { status?: string; revision?: string }; health?: { status?: string } };
}

describe.skipIf(skip)('demo from the installed package, given only a mirror', () => {
  let installed: InstalledPackage;
  let h: InstallHarness;
  beforeAll(async () => {
    installed = await installPackage();
    h = await startInstallHarness();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  it('installs the selection to Synced and Healthy without the fixtures', async () => {
    const state = join(installed.root, 'state');
    const fork = join(state, 'demo', 'manifests.git');
    const hidden = join(installed.root, 'no-fixtures');
    for (const dir of [
      hidden,
      resolve(installed.packageDir, '..', 'shared'),
      resolve(installed.prefix, '..', 'shared'),
    ])
      expect(existsSync(dir), dir).toBe(false);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CI: 'true',
      KFG_STATE_DIR: state,
      KFG_FIXTURES: hidden,
      KFG_MIRROR: `https://github.com/=${h.env.gitUrl}/`,
    };
    delete env.KUBECONFIG;
    const started = Date.now();
    const r = await runInstalled(installed, ['demo', '--components', 'cert-manager', '--timeout', '10m'], env);
    const seconds = (Date.now() - started) / 1000;
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, await h.explain({ ...r, seconds })).toBe(0);
    expect(r.stderr).toContain('local cluster already running: reused it');
    expect(r.stderr).toContain(`creating the demo fork ${fork}`);
    const head = (await run('git', ['--git-dir', fork, 'rev-parse', 'refs/heads/kubeflow-gitops'])).stdout.trim();
    expect(r.stdout.trim()).toBe(`file://${fork} kubeflow-gitops ${head}`);
    // The next commands as the installed package spells them (it has no npm scripts and no scripts/).
    expect(r.stderr).toContain('kubeflow-gitops status --watch');
    expect(r.stderr).not.toContain('npm run kubeflow-gitops');

    // Independently of the installer: the root and every component Synced at the fork's head, Healthy.
    const apps = (
      await h.kube.request<{ items: App[] }>(
        'GET',
        '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubeflow-gitops',
      )
    ).items;
    expect(apps.map((a) => a.metadata?.name).sort()).toEqual(['cert-manager', 'kubeflow']);
    for (const a of apps)
      expect(
        `${a.metadata?.name ?? ''} ${a.status?.sync?.status ?? ''} ${a.status?.health?.status ?? ''} ${a.status?.sync?.revision ?? ''}`,
      ).toBe(`${a.metadata?.name ?? ''} Synced Healthy ${head}`);
  });
});

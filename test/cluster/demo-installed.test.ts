/**
 * `kubeflow-gitops demo` from the published package, with the fixtures hidden: `npm pack`, then
 * `npm install --global` into a temporary prefix, run from that prefix (no source, no test/, no
 * ../shared beside it or the working directory) with KFG_FIXTURES naming a folder that does not
 * exist. The installed package starts the local cluster itself (from no state: its git server and
 * provisioner run as compiled JS under plain node) and is given only a mirror of github.com: KFG_MIRROR
 * to the local git server, whose folder this test filled with the fixtures' mirror beforehand. A small
 * selection (cert-manager) ends with exit 0 and every Application Synced at the fork's head and Healthy.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKube } from '../../installer/systems/kube.js';
import { ports, statePaths } from '../../installer/systems/local-cluster/config.js';
import { processArgv, runningPid } from '../../installer/systems/local-cluster/processes.js';
import { clusterUnavailable, resetCluster } from '../local-cluster/cluster.js';
import { fixturesMissing, serveUpstreamMirror } from '../support/fixtures.js';
import { installPackage, runInstalled, type InstalledPackage } from '../support/installed-package.js';
import { describeApplications } from '../support/installer-harness.js';

const run = promisify(execFile);
const skip = clusterUnavailable() ?? fixturesMissing();

interface App {
  metadata?: { name?: string };
  status?: { sync?: { status?: string; revision?: string }; health?: { status?: string } };
}

describe.skipIf(skip)('demo from the installed package, given only a mirror', () => {
  let installed: InstalledPackage;
  const paths = statePaths();
  beforeAll(async () => {
    installed = await installPackage();
    // No cluster: the installed package must start every process itself. The mirror goes where its
    // git server will serve from (the state's git/ and files/), as a test's own mirror of github.com.
    await resetCluster();
    await serveUpstreamMirror(paths);
  });
  afterAll(async () => {
    await resetCluster();
    rmSync(installed.root, { recursive: true, force: true });
  });

  it('starts the cluster and installs the selection to Synced and Healthy without the fixtures', async () => {
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
      KFG_MIRROR: `https://github.com/=http://127.0.0.1:${ports().git}/`,
    };
    delete env.KUBECONFIG;
    const r = await runInstalled(installed, ['demo', '--components', 'cert-manager', '--timeout', '10m'], env);
    // Made on use: when the demo fails before the cluster is up, there is no kubeconfig yet.
    const list = async () =>
      createKube({ kubeconfig: paths.kubeconfig }).request<{ items: App[] }>(
        'GET',
        '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dkubeflow-gitops',
      );
    const explain = async () =>
      `exit ${r.code}\n${r.stderr.slice(-3000)}\n--- Applications now ---\n${await list().then(
        (l) => describeApplications(l.items),
        (err: unknown) => `(cannot list Applications: ${String(err)})`,
      )}`;
    expect(r.stderr).not.toContain('internal error');
    expect(r.code, await explain()).toBe(0);
    expect(r.stderr).toMatch(/local cluster up in [\d.]+ s \(started etcd, kube-apiserver, /);
    expect(r.stderr).toContain(`creating the demo fork ${fork}`);

    // The Node programs of the cluster run from the package as compiled JS, without tsx.
    const compiled = join(installed.packageDir, 'dist', 'installer', 'systems', 'local-cluster');
    for (const [name, main] of [
      ['git-server', 'git-server-main.js'],
      ['pv-provisioner', 'provisioner-main.js'],
    ] as const) {
      const pid = runningPid(paths.pids, name);
      expect(pid, name).toBeDefined();
      expect(processArgv(pid ?? 0), name).toEqual([process.execPath, join(compiled, main)]);
    }

    const head = (await run('git', ['--git-dir', fork, 'rev-parse', 'refs/heads/kubeflow-gitops'])).stdout.trim();
    expect(r.stdout.trim()).toBe(`file://${fork} kubeflow-gitops ${head}`);
    // The next commands as the installed package spells them (it has no npm scripts and no scripts/).
    expect(r.stderr).toContain('kubeflow-gitops status --watch');
    expect(r.stderr).not.toContain('npm run kubeflow-gitops');

    // Independently of the installer: the root and every component Synced at the fork's head, Healthy.
    const apps = (await list()).items;
    expect(apps.map((a) => a.metadata?.name).sort()).toEqual(['cert-manager', 'kubeflow']);
    for (const a of apps)
      expect(
        `${a.metadata?.name ?? ''} ${a.status?.sync?.status ?? ''} ${a.status?.health?.status ?? ''} ${a.status?.sync?.revision ?? ''}`,
      ).toBe(`${a.metadata?.name ?? ''} Synced Healthy ${head}`);
  });
});

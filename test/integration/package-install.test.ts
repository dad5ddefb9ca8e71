/**
 * The published package, not the checkout: `npm pack` (whose prepack builds dist/), installed with
 * `npm install --global` into a temporary prefix, then its `kubeflow-gitops` run from there. It
 * carries the compiled installer with the local cluster and the Go modules the cluster builds from,
 * and no test code; `demo` reaches the cluster's own checks (here: a PATH without its tools) instead
 * of asking for a source checkout.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../support/fixtures.js';
import { installPackage, runInstalled, type InstalledPackage } from '../support/installed-package.js';

const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };

describe('the installed package', () => {
  let installed: InstalledPackage;
  beforeAll(async () => {
    installed = await installPackage();
  });
  afterAll(() => {
    rmSync(installed.root, { recursive: true, force: true });
  });

  it('kubeflow-gitops --version prints the version from package.json', async () => {
    const r = await runInstalled(installed, ['--version'], { PATH: process.env.PATH, HOME: process.env.HOME });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('holds the compiled local cluster and its Go modules, and no test code', () => {
    const cluster = join(installed.packageDir, 'dist', 'installer', 'systems', 'local-cluster');
    for (const file of [
      'lifecycle.js',
      'git-server-main.js',
      'provisioner-main.js',
      'go/k8s/go.mod',
      'go/argocd/main.go',
    ])
      expect(existsSync(join(cluster, file)), file).toBe(true);
    expect(existsSync(join(installed.packageDir, 'test'))).toBe(false);
    expect(existsSync(join(installed.packageDir, 'dist', 'test'))).toBe(false);
  });

  it('demo runs the local cluster it carries: without Go, git and redis-server it names them (exit 3)', async () => {
    const empty = join(installed.root, 'empty-path');
    mkdirSync(empty, { recursive: true });
    const r = await runInstalled(installed, ['demo'], {
      PATH: empty,
      HOME: process.env.HOME,
      CI: 'true',
      KFG_STATE_DIR: join(installed.root, 'state'),
      KFG_CLUSTER_DIR: join(installed.root, 'cluster'),
      KFG_CACHE_DIR: join(installed.root, 'cache'),
    });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('- go: install Go >= 1.26');
    expect(r.stderr).toContain('- git: apt-get install git');
    expect(r.stderr).toContain('- redis-server: apt-get install redis-server');
    expect(r.stderr).not.toContain('source checkout');
    expect(r.stderr).not.toContain('upstream data');
  });
});

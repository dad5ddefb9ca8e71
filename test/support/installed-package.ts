/**
 * kubeflow-gitops as a user gets it: `npm pack` of this checkout (its prepack builds dist/), then
 * `npm install --global` of the tarball into a temporary prefix. Dependencies come from npm's cache
 * when they are there (`--prefer-offline`; `--offline` would fail on a cold cache instead of asking
 * the registry). The installed command runs from the prefix, where no source, test/ or ../shared is.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from './fixtures.js';

const run = promisify(execFile);

export interface InstalledPackage {
  /** The temporary folder holding the tarball and the prefix. */
  readonly root: string;
  readonly prefix: string;
  /** The installed package's own folder (<prefix>/lib/node_modules/kubeflow-gitops). */
  readonly packageDir: string;
  /** The `kubeflow-gitops` command npm linked into <prefix>/bin. */
  readonly bin: string;
}

export interface InstalledRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function installPackage(): Promise<InstalledPackage> {
  const root = mkdtempSync(join(tmpdir(), 'kfg-installed-'));
  await run('npm', ['pack', '--silent', '--pack-destination', root], { cwd: projectRoot, maxBuffer: 1 << 26 });
  const tarball = readdirSync(root).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${root}`);
  const prefix = join(root, 'prefix');
  await run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(root, tarball)],
    { cwd: root, maxBuffer: 1 << 26 },
  );
  return {
    root,
    prefix,
    packageDir: join(prefix, 'lib', 'node_modules', 'kubeflow-gitops'),
    bin: join(prefix, 'bin', 'kubeflow-gitops'),
  };
}

/**
 * Runs the installed command with this node (its `#!/usr/bin/env node` would need node on PATH, which
 * some tests take away), in `cwd` (default: the prefix) with exactly `env`.
 */
export async function runInstalled(
  pkg: InstalledPackage,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string = pkg.prefix,
): Promise<InstalledRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [pkg.bin, ...args], { cwd, env, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

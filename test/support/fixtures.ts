/**
 * Access to ../shared/fixtures (the real upstream data: Kubeflow releases and the remote bases they
 * pull, as git bundles and plain files). Outside CI a plain clone of the project may not have it; tests
 * then skip with a visible reason. In CI a missing fixture is a failure, never a skip.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = process.env.KFG_FIXTURES ?? resolve(projectRoot, '..', 'shared', 'fixtures');

/** Bundles and the GitHub owner/repo each one mirrors. */
export const UPSTREAM_BUNDLES: Record<string, string> = {
  'kubeflow/manifests': 'kubeflow-manifests.bundle',
  'argoproj/argo-workflows': 'argo-workflows.bundle',
  'kubernetes-sigs/lws': 'lws.bundle',
  'argoproj/argo-cd': 'argo-cd.bundle',
};

export const RELEASES = ['v1.10.2', 'v1.11.0', '26.03', '26.03.1-rc.2'] as const;

/** Why fixture-backed tests cannot run here, or undefined when they can. Throws in CI. */
export function fixturesMissing(): string | undefined {
  if (existsSync(join(fixturesDir, 'git', 'kubeflow-manifests.bundle'))) return undefined;
  const why = `upstream fixtures not found at ${fixturesDir} (set KFG_FIXTURES or check out shared/ beside the project)`;
  if (process.env.CI) throw new Error(`${why}; CI must have them`);
  console.warn(`skipping: ${why}`);
  return why;
}

/**
 * Lays out bare mirrors `<gitRoot>/<owner>/<repo>.git` of every bundle, as the git HTTP server expects.
 * Each is cloned beside its place and renamed into it, so a run killed mid-clone leaves no half mirror
 * and two processes laying out the same root do not trip over each other.
 */
export async function prepareUpstreamRepos(gitRoot: string): Promise<void> {
  for (const [repo, bundle] of Object.entries(UPSTREAM_BUNDLES)) {
    const dest = join(gitRoot, `${repo}.git`);
    if (existsSync(dest)) continue;
    mkdirSync(dirname(dest), { recursive: true });
    const partial = `${dest}.partial-${String(process.pid)}`;
    rmSync(partial, { recursive: true, force: true });
    await run('git', ['clone', '--quiet', '--mirror', join(fixturesDir, 'git', bundle), partial]);
    try {
      renameSync(partial, dest);
    } catch (e) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(dest)) throw e;
    }
  }
}

export const fixtureFileRoot = join(fixturesDir, 'http');

/**
 * Makes a running git server a mirror of github.com: the upstream bundles as bare repositories in its
 * `gitRoot` and the release files linked in as its `files` (the local cluster's git server serves
 * both; it never reads the fixtures itself). Idempotent; without the fixtures it does nothing, and
 * the tests that need them skip or fail through `fixturesMissing()`.
 */
export async function serveUpstreamMirror(server: { gitRoot: string; files: string }): Promise<void> {
  if (!existsSync(join(fixturesDir, 'git'))) return;
  await prepareUpstreamRepos(server.gitRoot);
  if (!existsSync(server.files)) symlinkSync(fixtureFileRoot, server.files);
}

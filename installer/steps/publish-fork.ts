/**
 * Publishes the working copy: one commit (none when nothing changed), a push without force when the
 * fork's branch is behind it, and a generated admin password saved to the state directory (mode 0600).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FORK_APPS_DIR, FORK_VENDOR_DIR } from '../core/constants.js';
import type { Deps } from '../deps.js';
import type { ForkRemote } from './locate-fork.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import type { ForkPlan } from '../plan/build-fork-plan.js';
import { displayUrl } from '../systems/git.js';
import type { ForkChanges, ForkWorkspace } from './fork-workspace.js';

export interface ForkResult {
  readonly plan: ForkPlan;
  /** The fork as Argo CD reads it, the branch, and the commit it must sync. */
  readonly repoURL: string;
  readonly branch: string;
  readonly revision: string;
  readonly committed: boolean;
  readonly pushed: boolean;
  /** Where a generated admin password was saved (mode 0600), when one was generated. */
  readonly passwordFile?: string | undefined;
  /** The generated password itself, for the wizard to show once on the terminal; never logged. */
  readonly generatedPassword?: string | undefined;
}

export async function publishFork(
  opts: ForkOptions,
  deps: Deps,
  ws: ForkWorkspace,
  remote: ForkRemote,
  changes: ForkChanges,
): Promise<ForkResult> {
  const sha = await deps.git.commitAll(ws.dir, commitMessage(opts, remote, changes.plan));
  const revision = sha ?? (await deps.git.headSha(ws.dir));
  const pushed = revision !== ws.remoteSha;
  if (pushed) {
    deps.log.step(`pushing ${opts.branch} to ${displayUrl(remote.pushUrl)}`);
    await deps.git.push(ws.dir, remote.pushUrl, opts.branch, remote.auth);
  }
  const generated = changes.password.generated;
  const passwordFile =
    generated !== undefined ? await savePassword(deps, remote.repoURL, opts.branch, generated) : undefined;
  return {
    plan: changes.plan,
    repoURL: remote.repoURL,
    branch: opts.branch,
    revision,
    committed: sha !== undefined,
    pushed,
    passwordFile,
    generatedPassword: generated,
  };
}

function commitMessage(opts: ForkOptions, remote: ForkRemote, plan: ForkPlan): string {
  return (
    `kubeflow-gitops: Kubeflow ${opts.release} for ${opts.target} (${plan.components.length} components)\n\n` +
    `Applications in ${FORK_APPS_DIR}/ point at ${remote.repoURL} ${opts.branch};\n` +
    `remote kustomize bases are vendored under ${FORK_VENDOR_DIR}/.`
  );
}

/** Where the generated admin password of a fork branch is kept: one file per fork URL and branch. */
export function adminPasswordFile(stateDir: string, repoURL: string, branch: string): string {
  const id = Buffer.from(`${displayUrl(repoURL)}#${branch}`)
    .toString('base64url')
    .slice(-40);
  return join(stateDir, 'credentials', `${id}.admin-password`);
}

async function savePassword(deps: Deps, repoURL: string, branch: string, password: string): Promise<string> {
  const file = adminPasswordFile(deps.stateDir, repoURL, branch);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return file;
}

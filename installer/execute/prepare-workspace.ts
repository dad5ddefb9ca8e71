/**
 * Ensures a working copy of the fork branch: the existing branch when the fork has it (checked to
 * descend from the requested release), otherwise a full-history clone of the upstream release tag.
 * Nothing remote changes here.
 */
import { RELEASES, type Release } from '../catalogue/releases.js';
import { UserError, ExitCode } from '../errors.js';
import type { Git, GitAuth } from '../systems/git.js';
import { displayUrl } from '../systems/git.js';

export interface WorkspaceInputs {
  readonly dir: string;
  /** Where to push (URL or absolute path). */
  readonly forkPushUrl: string;
  readonly branch: string;
  /** The upstream as fetched (mirrors applied). */
  readonly upstreamFetchUrl: string;
  readonly release: Release;
  readonly auth: GitAuth;
  /** The fork is a local path with nothing there yet (a dry run): no branch to read. */
  readonly forkMissing?: boolean | undefined;
}

export interface Workspace {
  readonly dir: string;
  /** The branch's commit on the fork before this run, or undefined for a new branch. */
  readonly remoteSha: string | undefined;
  readonly releaseSha: string;
}

export async function prepareWorkspace(inputs: WorkspaceInputs, git: Git): Promise<Workspace> {
  const { dir, forkPushUrl, branch, upstreamFetchUrl, release, auth } = inputs;
  const remoteSha = inputs.forkMissing === true ? undefined : await git.remoteBranchSha(forkPushUrl, branch, auth);
  if (remoteSha === undefined) {
    await git.cloneTag(upstreamFetchUrl, release, branch, dir);
    return { dir, remoteSha, releaseSha: await git.headSha(dir) };
  }
  await git.cloneBranch(forkPushUrl, branch, dir, auth);
  const releaseSha = await git.fetchTag(dir, upstreamFetchUrl, release);
  if (await git.isAncestor(dir, releaseSha, 'HEAD')) {
    await refuseNewerRelease(inputs, git);
    return { dir, remoteSha, releaseSha };
  }

  for (const other of RELEASES) {
    if (other === release) continue;
    const sha = await git.fetchTag(dir, upstreamFetchUrl, other).catch(() => undefined);
    if (sha !== undefined && (await git.isAncestor(dir, sha, 'HEAD'))) {
      throw new UserError(
        `branch "${branch}" of ${displayUrl(forkPushUrl)} is on Kubeflow ${other}, not ${release}. Nothing was changed.\n` +
          `To move it to ${release} keeping your changes, run: kubeflow-gitops upgrade --to ${release}\n` +
          `To keep it as it is, pass --release ${other}; to start a separate install, pass another --branch.`,
        ExitCode.conflict,
      );
    }
  }
  throw new UserError(
    `branch "${branch}" of ${displayUrl(forkPushUrl)} has history unrelated to ${displayUrl(upstreamFetchUrl)} ${release}. Nothing was changed.\n` +
      'Pass another --branch, or point --fork at an empty repository or at a fork of the upstream.',
    ExitCode.conflict,
  );
}

/**
 * A branch upgraded to a later release still contains the older tag, but forking it again as the
 * older release would write Applications and overlays for paths the branch no longer has.
 */
async function refuseNewerRelease(inputs: WorkspaceInputs, git: Git): Promise<void> {
  const { dir, forkPushUrl, branch, upstreamFetchUrl, release } = inputs;
  for (const newer of RELEASES.slice(RELEASES.indexOf(release) + 1)) {
    const sha = await git.fetchTag(dir, upstreamFetchUrl, newer).catch(() => undefined);
    if (sha !== undefined && (await git.isAncestor(dir, sha, 'HEAD'))) {
      throw new UserError(
        `branch "${branch}" of ${displayUrl(forkPushUrl)} is on Kubeflow ${newer} (upgraded), not ${release}. Nothing was changed.\n` +
          `Pass --release ${newer} to work on it; to start a separate ${release} install, pass another --branch.`,
        ExitCode.conflict,
      );
    }
  }
}

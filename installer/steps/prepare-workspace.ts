/**
 * Ensures a working copy of the fork branch: the existing branch when the fork has it (checked to
 * descend from the requested release), otherwise a full-history clone of the upstream release tag.
 * Nothing remote changes here.
 */
import { RELEASES, type Release } from '../catalogue/releases.js';
import { UserError, ExitCode } from '../core/errors.js';
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

  const other = await newestReleaseIn(inputs, git, RELEASES);
  if (other !== undefined && RELEASES.indexOf(other.release) > RELEASES.indexOf(release)) {
    // Not a descendant of the requested release, yet on a later one: upgrade cannot go back.
    throw new UserError(
      `branch "${branch}" of ${displayUrl(forkPushUrl)} is on Kubeflow ${other.release}, not ${release}. Nothing was changed.\n` +
        `Pass --release ${other.release} to work on it; to start a separate ${release} install, pass another --branch.`,
      ExitCode.conflict,
    );
  }
  if (other !== undefined) {
    throw new UserError(
      `branch "${branch}" of ${displayUrl(forkPushUrl)} is on Kubeflow ${other.release}, not ${release}. Nothing was changed.\n` +
        `To move it to ${release} keeping your changes, run: kubeflow-gitops upgrade --to ${release}\n` +
        `To keep it as it is, pass --release ${other.release}; to start a separate install, pass another --branch.`,
      ExitCode.conflict,
    );
  }
  throw new UserError(
    `branch "${branch}" of ${displayUrl(forkPushUrl)} has history unrelated to ${displayUrl(upstreamFetchUrl)} ${release}. Nothing was changed.\n` +
      'Pass another --branch, or point --fork at an empty repository or at a fork of the upstream.',
    ExitCode.conflict,
  );
}

/**
 * The newest of `candidates` whose tag the branch (checked out in `dir`) contains: that is the
 * release it is on, as `upgrade` reads it. Upstream history is linear, so a v1.11.0 branch also
 * contains v1.10.2; the oldest would name a release whose advice then fails.
 */
async function newestReleaseIn(
  inputs: WorkspaceInputs,
  git: Git,
  candidates: readonly Release[],
): Promise<{ release: Release; sha: string } | undefined> {
  for (const r of [...candidates].reverse()) {
    if (r === inputs.release) continue;
    const sha = await git.fetchTag(inputs.dir, inputs.upstreamFetchUrl, r).catch(() => undefined);
    if (sha !== undefined && (await git.isAncestor(inputs.dir, sha, 'HEAD'))) return { release: r, sha };
  }
  return undefined;
}

/**
 * A branch on a later release still contains the older tag, but forking it again as the older
 * release would write Applications and overlays for paths the branch no longer has. It is
 * "upgraded" only when the later release came in by a merge (how `upgrade` brings one in); a
 * branch forked from that release has its tag on its first-parent line.
 */
async function refuseNewerRelease(inputs: WorkspaceInputs, git: Git): Promise<void> {
  const { dir, forkPushUrl, branch, release } = inputs;
  const newer = await newestReleaseIn(inputs, git, RELEASES.slice(RELEASES.indexOf(release) + 1));
  if (newer === undefined) return;
  const upgraded = !(await git.isFirstParentAncestor(dir, newer.sha, 'HEAD'));
  throw new UserError(
    `branch "${branch}" of ${displayUrl(forkPushUrl)} is on Kubeflow ${newer.release}${upgraded ? ' (upgraded)' : ''}, not ${release}. Nothing was changed.\n` +
      `Pass --release ${newer.release} to work on it; to start a separate ${release} install, pass another --branch.`,
    ExitCode.conflict,
  );
}

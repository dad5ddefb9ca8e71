/**
 * The git half of an upgrade, in a working copy of the fork branch: which release the branch is on
 * (the newest upstream release tag it contains: the fork step cloned the tag with its history), and
 * merging the new release's tag into it. Conflicts in content only the tool changed are settled here
 * (see classify-conflict.ts); the rest are left in git's merge state for the user.
 */
import { rm, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RELEASES, type Release } from '../../catalogue/releases.js';
import { ExitCode, UserError } from '../../core/errors.js';
import { displayUrl, type Git } from '../../systems/git.js';
import { classifyConflict } from './classify-conflict.js';

export interface ReleaseFacts {
  /** The release the branch is on now. */
  readonly from: Release;
  /** The commit the target release's tag names. */
  readonly toSha: string;
}

/**
 * @param upstreamFetchUrl the upstream as fetched (mirrors applied).
 * @param shown the upstream as the user named it, for messages.
 * @throws UserError when the tag is missing upstream, the branch is on no known release, or `to` is older.
 */
export async function detectRelease(
  git: Git,
  dir: string,
  upstreamFetchUrl: string,
  shown: string,
  to: Release,
): Promise<ReleaseFacts> {
  const shas = new Map<Release, string>();
  for (const r of RELEASES) {
    const sha = await git.fetchTag(dir, upstreamFetchUrl, r).catch((err: unknown) => {
      if (r === to)
        throw new UserError(
          `--to ${to}: the tag ${to} cannot be fetched from ${displayUrl(shown)} (check --upstream and --mirror): ${(err as Error).message}`,
          ExitCode.failure,
          { cause: err },
        );
      return undefined;
    });
    if (sha !== undefined) shas.set(r, sha);
  }
  let from: Release | undefined;
  for (const r of RELEASES) {
    const sha = shas.get(r);
    if (sha !== undefined && (await git.isAncestor(dir, sha, 'HEAD'))) from = r;
  }
  if (from === undefined) {
    throw new UserError(
      `the fork branch contains none of the releases ${RELEASES.join(', ')} of ${displayUrl(shown)}, so there is nothing to upgrade from. Was it made by kubeflow-gitops fork from this --upstream?`,
      ExitCode.conflict,
    );
  }
  if (RELEASES.indexOf(to) < RELEASES.indexOf(from)) {
    throw new UserError(
      `--to ${to} is older than the release the fork is on (${from}); downgrades are not supported. Nothing was changed.`,
    );
  }
  return { from, toSha: shas.get(to) as string };
}

export interface MergeOutcome {
  /** Conflicts in the tool's own changes, settled by taking upstream's side (or keeping vendor/). */
  readonly autoResolved: readonly { readonly path: string; readonly why: string }[];
  /** Conflicts in the user's changes, left in the working copy. */
  readonly conflicts: readonly string[];
}

/** Merges `toSha` into HEAD without committing and settles the tool's own conflicts. */
export async function mergeRelease(git: Git, dir: string, toSha: string): Promise<MergeOutcome> {
  const unmerged = await git.mergeNoCommit(dir, toSha);
  const autoResolved: { path: string; why: string }[] = [];
  const conflicts: string[] = [];
  for (const path of unmerged) {
    const [base, ours, theirs] = await Promise.all(([1, 2, 3] as const).map((s) => git.conflictStage(dir, path, s)));
    const r = classifyConflict(path, { base, ours, theirs });
    if (r.owner === 'user') {
      conflicts.push(path);
      continue;
    }
    const file = join(dir, path);
    if (r.content === undefined) {
      await rm(file, { force: true });
    } else {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, r.content);
    }
    await git.stagePath(dir, path);
    autoResolved.push({ path, why: r.why });
  }
  return { autoResolved, conflicts };
}

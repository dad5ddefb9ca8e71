/**
 * The fork's side of `images --copy-to`: the branch must exist before anything is copied (checked
 * first), and the lock is committed and pushed after, as one commit of the tool's own file.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Deps } from '../deps.js';
import { ExitCode, UserError } from '../core/errors.js';
import type { ForkRemote } from './locate-fork.js';
import { IMAGE_LOCK_FILE, parseImageLock, renderImageLock, type ImageLock } from '../images/image-lock.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { displayUrl } from '../systems/git.js';

/** The fork branch's commit; a clear error when there is none yet (nothing copied by then). */
export async function requireForkBranch(opts: ForkOptions, deps: Deps, remote: ForkRemote): Promise<string> {
  const sha =
    remote.missing === undefined ? await deps.git.remoteBranchSha(remote.pushUrl, opts.branch, remote.auth) : undefined;
  if (sha === undefined)
    throw new UserError(
      `${displayUrl(remote.pushUrl)} has no branch "${opts.branch}" yet: run kubeflow-gitops fork first; images --copy-to writes its lock there`,
      ExitCode.preflight,
    );
  return sha;
}

/** The lock the fork holds now (a shallow read of one file through a clone). */
export async function readForkLock(dir: string): Promise<ImageLock | undefined> {
  const text = await readFile(join(dir, IMAGE_LOCK_FILE), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseImageLock(text);
}

/** Writes the lock into the working copy, commits and pushes it; false when it was already there. */
export async function publishImageLock(
  opts: ForkOptions,
  deps: Deps,
  dir: string,
  remote: ForkRemote,
  lock: ImageLock,
): Promise<boolean> {
  await mkdir(dirname(join(dir, IMAGE_LOCK_FILE)), { recursive: true });
  await writeFile(join(dir, IMAGE_LOCK_FILE), renderImageLock(lock));
  const sha = await deps.git.commitAll(
    dir,
    `kubeflow-gitops: lock ${lock.images.length} images copied to ${lock.registry ?? 'the registry'}\n\n` +
      'Written by kubeflow-gitops images --copy-to: each image with the digest of its copy, which\n' +
      '--registry pins every reference to.',
  );
  if (sha === undefined) return false;
  deps.log.step(`pushing ${opts.branch} to ${displayUrl(remote.pushUrl)}`);
  await deps.git.push(dir, remote.pushUrl, opts.branch, remote.auth);
  return true;
}

/**
 * Where an upgrade run stands before its ensure-steps: a fresh start merges upstream's release into a
 * full clone of the fork branch; `--continue` picks up the merge a stopped run left in the state
 * directory; `--abort` drops it. A merge that stops on the user's conflicts is saved for `--continue`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Release } from '../../catalogue/releases.js';
import type { Deps } from '../../deps.js';
import { ExitCode, UserError } from '../../core/errors.js';
import type { ForkRemote } from '../../steps/locate-fork.js';
import { applyMirrors } from '../../hermetic/vendor-remote-bases.js';
import type { ForkOptions } from '../../inputs/fork-options.js';
import { displayUrl } from '../../systems/git.js';
import { detectRelease, mergeRelease, type MergeOutcome } from './merge-release.js';
import { clearUpgrade, readUpgradeState, writeUpgradeState, type UpgradeDirs } from './upgrade-state.js';

export type UpgradeAction = 'start' | 'continue' | 'abort';

/** A working copy holding the new release, ready for the ensure-steps. */
export interface UpgradeSession {
  readonly kind: 'ready';
  readonly dirs: UpgradeDirs;
  readonly from: Release;
  readonly to: Release;
  /** The branch's commit on the fork when the upgrade started; the push must land on it. */
  readonly remoteSha: string;
  readonly autoResolved: MergeOutcome['autoResolved'];
  /** Files the user resolved (continue): checked for leftover markers before anything is committed. */
  readonly conflicted: readonly string[];
}

export type SessionOutcome =
  | UpgradeSession
  | {
      readonly kind: 'conflict';
      readonly from: Release;
      readonly to: Release;
      readonly conflicts: readonly string[];
      readonly workDir: string;
      readonly autoResolved: MergeOutcome['autoResolved'];
    }
  | { readonly kind: 'aborted'; readonly existed: boolean };

export async function openSession(
  action: UpgradeAction,
  to: Release | undefined,
  opts: ForkOptions,
  deps: Deps,
  remote: ForkRemote,
  dirs: UpgradeDirs,
): Promise<SessionOutcome> {
  const shown = `${displayUrl(remote.pushUrl)} ${opts.branch}`;
  const state = await readUpgradeState(dirs);
  if (action === 'abort') {
    await clearUpgrade(dirs);
    return { kind: 'aborted', existed: state !== undefined };
  }
  if (action === 'continue') {
    if (state === undefined)
      throw new UserError(
        `no stopped upgrade of ${shown} to continue (nothing under ${dirs.root}); start one with upgrade --to <release>`,
      );
    if (to !== undefined && to !== state.to)
      throw new UserError(
        `--to ${to}: the stopped upgrade of ${shown} goes to ${state.to}; continue it without --to, or --abort it first`,
      );
    const { from, remoteSha, conflicts } = state;
    return { kind: 'ready', dirs, from, to: state.to, remoteSha, autoResolved: [], conflicted: conflicts };
  }
  if (to === undefined) throw new UserError('which release? pass --to <release>');
  if (state !== undefined)
    throw new UserError(
      `an upgrade of ${shown} to ${state.to} stopped on conflicts and is waiting in ${dirs.workDir}: resolve them there and run upgrade --continue, or run upgrade --abort to drop it`,
      ExitCode.conflict,
    );
  // A working copy without a state file is what a killed run left: start over from the fork.
  await clearUpgrade(dirs);
  return ownedUntilStopped(dirs, () => startSession(to, opts, deps, remote, dirs));
}

/**
 * A fresh start's working copy belongs to this run: an error (a release older than the fork's, an
 * unreachable upstream, Ctrl-C) removes it. Only a stop on conflicts keeps it, for `--continue`.
 */
export async function ownedUntilStopped<T>(dirs: UpgradeDirs, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await clearUpgrade(dirs);
    throw err;
  }
}

async function startSession(
  to: Release,
  opts: ForkOptions,
  deps: Deps,
  remote: ForkRemote,
  dirs: UpgradeDirs,
): Promise<SessionOutcome> {
  const ws = await openUpgradeWorkspace(opts, deps, remote, dirs.workDir, to);
  const ready = { kind: 'ready', dirs, from: ws.from, to, remoteSha: ws.remoteSha, conflicted: [] } as const;
  if (ws.from === to) return { ...ready, autoResolved: [] };
  deps.log.step(`merging Kubeflow ${to} into ${opts.branch} (on ${ws.from})`);
  const merged = await mergeRelease(deps.git, dirs.workDir, ws.toSha);
  if (merged.conflicts.length === 0) return { ...ready, autoResolved: merged.autoResolved };
  await writeUpgradeState(dirs, {
    from: ws.from,
    to,
    fork: displayUrl(remote.pushUrl),
    branch: opts.branch,
    remoteSha: ws.remoteSha,
    conflicts: merged.conflicts,
    startedAt: new Date().toISOString(),
  });
  return {
    kind: 'conflict',
    from: ws.from,
    to,
    conflicts: merged.conflicts,
    workDir: dirs.workDir,
    autoResolved: merged.autoResolved,
  };
}

/** Clones the fork branch (full history) and finds the release it is on. Nothing remote changes. */
export async function openUpgradeWorkspace(
  opts: ForkOptions,
  deps: Deps,
  remote: ForkRemote,
  dir: string,
  to: Release,
) {
  const remoteSha = await deps.git.remoteBranchSha(remote.pushUrl, opts.branch, remote.auth);
  if (remoteSha === undefined) {
    throw new UserError(
      `branch "${opts.branch}" does not exist in ${displayUrl(remote.pushUrl)}: there is nothing to upgrade; install with fork or install --release ${to}`,
    );
  }
  deps.log.step(`reading ${displayUrl(remote.pushUrl)} (branch ${opts.branch})`);
  await deps.git.cloneBranch(remote.pushUrl, opts.branch, dir, remote.auth);
  const facts = await detectRelease(deps.git, dir, applyMirrors(opts.upstream, opts.mirrors), opts.upstream, to);
  return { remoteSha, ...facts };
}

/** Every conflict resolved and staged, and no conflict markers left in the files that had them. */
export async function verifyResolved(deps: Deps, dir: string, conflicted: readonly string[]): Promise<void> {
  const left = await deps.git.unmergedPaths(dir);
  const marked: string[] = [];
  for (const p of conflicted) {
    const text = await readFile(join(dir, p), 'utf8').catch(() => '');
    if (/^(<{7}|>{7})( |$)/m.test(text)) marked.push(p);
  }
  const open = [...new Set([...left, ...marked])].sort();
  if (open.length > 0) {
    throw new UserError(
      `the upgrade still has unresolved conflicts in ${dir}:\n${open.map((p) => `  ${p}`).join('\n')}\nEdit them (remove the <<<<<<< ======= >>>>>>> markers), git add them, then run upgrade --continue again.`,
      ExitCode.conflict,
    );
  }
}

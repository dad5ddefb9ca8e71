/**
 * `upgrade --to <release>` (and `plan --to`): merge upstream's new release into the fork branch with
 * git, settle the tool's own conflicts, run the ensure-steps (managed paths, new components' files,
 * vendoring), commit once and push without force. Conflicts in the user's edits stop the run before
 * anything is pushed, leaving the merge in a working copy under the state directory for
 * `upgrade --continue` (or `--abort`). The fork is the state: the release comes from git, the
 * components and target from the fork's Applications, so a re-run after a landed upgrade is a no-op and
 * a killed run simply starts again.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Release } from '../catalogue/releases.js';
import type { Deps } from '../deps.js';
import { ExitCode, UserError } from '../errors.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { displayUrl } from '../systems/git.js';
import type { UpgradePlan } from '../upgrade/build-upgrade-plan.js';
import { ensureUpgraded } from '../upgrade/ensure-upgraded.js';
import { detectRelease, mergeRelease, type MergeOutcome } from '../upgrade/merge-release.js';
import {
  clearUpgrade,
  readUpgradeState,
  upgradeDirs,
  withUpgradeLock,
  writeUpgradeState,
  type UpgradeDirs,
} from '../upgrade/upgrade-state.js';
import { applyMirrors } from '../hermetic/vendor-remote-bases.js';
import { locateFork, type Located } from './fork.js';

export interface UpgradeOptions {
  /** Where the fork is and how to reach it (its release, components and target are ignored: the fork says). */
  readonly fork: ForkOptions;
  /** Required to start; taken from the stopped upgrade for continue and abort. */
  readonly to?: Release | undefined;
  readonly action: 'start' | 'continue' | 'abort';
}

export interface UpgradeHooks {
  /** Runs once the new state is ready in the working copy, before anything is committed or pushed (preflight). */
  readonly beforePush?: (plan: UpgradePlan, workDir: string) => Promise<void>;
}

export type UpgradeResult =
  | {
      readonly kind: 'upgraded' | 'up-to-date';
      readonly plan: UpgradePlan;
      readonly repoURL: string;
      readonly branch: string;
      readonly revision: string;
      readonly committed: boolean;
      readonly pushed: boolean;
      readonly autoResolved: MergeOutcome['autoResolved'];
    }
  | {
      readonly kind: 'conflict';
      readonly from: Release;
      readonly to: Release;
      readonly conflicts: readonly string[];
      readonly workDir: string;
      readonly autoResolved: MergeOutcome['autoResolved'];
    }
  | { readonly kind: 'aborted'; readonly existed: boolean };

interface Session {
  readonly opts: ForkOptions;
  readonly located: Located;
  readonly dirs: UpgradeDirs;
  readonly from: Release;
  readonly to: Release;
  readonly remoteSha: string;
  readonly autoResolved: MergeOutcome['autoResolved'];
}

export async function runUpgrade(o: UpgradeOptions, deps: Deps, hooks: UpgradeHooks = {}): Promise<UpgradeResult> {
  const opts = o.fork;
  const located = await locateFork(opts, deps, false);
  const shown = `${displayUrl(located.pushUrl)} ${opts.branch}`;
  const dirs = upgradeDirs(deps.stateDir, located.pushUrl, opts.branch);
  return withUpgradeLock(dirs, shown, deps.log, () => upgradeLocked(o, deps, hooks, located, shown, dirs));
}

async function upgradeLocked(
  o: UpgradeOptions,
  deps: Deps,
  hooks: UpgradeHooks,
  located: Located,
  shown: string,
  dirs: UpgradeDirs,
): Promise<UpgradeResult> {
  const opts = o.fork;
  const state = await readUpgradeState(dirs);

  if (o.action === 'abort') {
    await clearUpgrade(dirs);
    return { kind: 'aborted', existed: state !== undefined };
  }
  if (o.action === 'continue') {
    if (state === undefined)
      throw new UserError(
        `no stopped upgrade of ${shown} to continue (nothing under ${dirs.root}); start one with upgrade --to <release>`,
      );
    if (o.to !== undefined && o.to !== state.to)
      throw new UserError(
        `--to ${o.to}: the stopped upgrade of ${shown} goes to ${state.to}; continue it without --to, or --abort it first`,
      );
    return finish(
      { opts, located, dirs, from: state.from, to: state.to, remoteSha: state.remoteSha, autoResolved: [] },
      deps,
      hooks,
      state.conflicts,
    );
  }
  if (o.to === undefined) throw new UserError('which release? pass --to <release>');
  if (state !== undefined) {
    throw new UserError(
      `an upgrade of ${shown} to ${state.to} stopped on conflicts and is waiting in ${dirs.workDir}: resolve them there and run upgrade --continue, or run upgrade --abort to drop it`,
      ExitCode.conflict,
    );
  }
  // A working copy without a state file is what a killed run left: start over from the fork.
  await clearUpgrade(dirs);
  const ws = await openWorkspace(opts, deps, located, dirs.workDir, o.to);
  if (ws.from === o.to) {
    return finish(
      { opts, located, dirs, from: ws.from, to: o.to, remoteSha: ws.remoteSha, autoResolved: [] },
      deps,
      hooks,
      [],
    );
  }
  deps.log.step(`merging Kubeflow ${o.to} into ${opts.branch} (on ${ws.from})`);
  const merged = await mergeRelease(deps.git, dirs.workDir, ws.toSha);
  if (merged.conflicts.length > 0) {
    await writeUpgradeState(dirs, {
      from: ws.from,
      to: o.to,
      fork: displayUrl(located.pushUrl),
      branch: opts.branch,
      remoteSha: ws.remoteSha,
      conflicts: merged.conflicts,
      startedAt: new Date().toISOString(),
    });
    return {
      kind: 'conflict',
      from: ws.from,
      to: o.to,
      conflicts: merged.conflicts,
      workDir: dirs.workDir,
      autoResolved: merged.autoResolved,
    };
  }
  return finish(
    { opts, located, dirs, from: ws.from, to: o.to, remoteSha: ws.remoteSha, autoResolved: merged.autoResolved },
    deps,
    hooks,
    [],
  );
}

/** Clones the fork branch (full history) and finds the release it is on. Nothing remote changes. */
async function openWorkspace(opts: ForkOptions, deps: Deps, located: Located, dir: string, to: Release) {
  const remoteSha = await deps.git.remoteBranchSha(located.pushUrl, opts.branch, located.auth);
  if (remoteSha === undefined) {
    throw new UserError(
      `branch "${opts.branch}" does not exist in ${displayUrl(located.pushUrl)}: there is nothing to upgrade; install with fork or install --release ${to}`,
    );
  }
  deps.log.step(`reading ${displayUrl(located.pushUrl)} (branch ${opts.branch})`);
  await deps.git.cloneBranch(located.pushUrl, opts.branch, dir, located.auth);
  const facts = await detectRelease(deps.git, dir, applyMirrors(opts.upstream, opts.mirrors), opts.upstream, to);
  return { remoteSha, ...facts };
}

/** Ensure-steps, one commit (the merge, when one is in progress), push, forget the working copy. */
async function finish(
  s: Session,
  deps: Deps,
  hooks: UpgradeHooks,
  conflicted: readonly string[],
): Promise<UpgradeResult> {
  const dir = s.dirs.workDir;
  const merging = await deps.git.isMerging(dir);
  if (merging) await verifyResolved(deps, dir, conflicted);
  const plan = await ensureUpgraded(
    {
      dir,
      from: s.from,
      to: s.to,
      opts: s.opts,
      repoURL: s.located.repoURL,
      shown: displayUrl(s.located.pushUrl),
      execute: true,
    },
    deps,
  );
  await hooks.beforePush?.(plan, dir);
  const message = commitMessage(plan, s.opts.branch);
  const sha = merging ? await deps.git.commitMerge(dir, message) : await deps.git.commitAll(dir, message);
  const revision = sha ?? (await deps.git.headSha(dir));
  const pushed = revision !== s.remoteSha;
  if (pushed) {
    deps.log.step(`pushing ${s.opts.branch} to ${displayUrl(s.located.pushUrl)}`);
    try {
      await deps.git.push(dir, s.located.pushUrl, s.opts.branch, s.located.auth);
    } catch (err) {
      if (conflicted.length === 0) await clearUpgrade(s.dirs);
      else if (err instanceof UserError) {
        // The user's resolution is committed in the working copy; do not throw it away.
        throw new UserError(
          `${err.message}\nYour resolution is committed in ${dir}. To redo the upgrade on top of the branch as it is now, run upgrade --abort, then upgrade --to ${s.to}.`,
          ExitCode.conflict,
          { cause: err },
        );
      }
      throw err;
    }
  }
  await clearUpgrade(s.dirs);
  const upToDate = s.from === s.to && sha === undefined;
  return {
    kind: upToDate ? 'up-to-date' : 'upgraded',
    plan,
    repoURL: s.located.repoURL,
    branch: s.opts.branch,
    revision,
    committed: sha !== undefined,
    pushed,
    autoResolved: s.autoResolved,
  };
}

/** Every conflict resolved and staged, and no conflict markers left in the files that had them. */
async function verifyResolved(deps: Deps, dir: string, conflicted: readonly string[]): Promise<void> {
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

function commitMessage(plan: UpgradePlan, branch: string): string {
  const head =
    plan.from === plan.to
      ? `kubeflow-gitops: Kubeflow ${plan.to} for ${plan.target}: managed files brought up to date`
      : `kubeflow-gitops: upgrade Kubeflow ${plan.from} -> ${plan.to} (${plan.target})`;
  const lines = plan.components.flatMap((c) => {
    switch (c.change) {
      case 'moved':
        return [`- ${c.name}: upstream path ${c.from} -> ${c.to}`];
      case 'merged':
        return [`- ${c.name}: part of ${c.into} in ${plan.to}; its Application was removed`];
      case 'removed':
        return [`- ${c.name}: not in ${plan.to}; its Application was removed`];
      case 'added':
        return [`- ${c.name}: added (needed by ${c.requestedBy.join(', ')})`];
      case 'kept':
        return [];
    }
  });
  const body = [
    plan.from === plan.to ? '' : `Merges upstream's ${plan.to} into ${branch}; changes made in the fork are kept.`,
    ...lines,
    plan.vendor.sources.length > 0 || plan.vendorRemoved.length > 0
      ? 'Remote kustomize bases vendored again under vendor/.'
      : '',
  ].filter(Boolean);
  return `${head}\n\n${body.join('\n')}`.trim();
}

export interface UpgradePreview {
  readonly plan?: UpgradePlan | undefined;
  readonly from: Release;
  readonly to: Release;
  readonly autoResolved: MergeOutcome['autoResolved'];
  /** Files the upgrade would stop on. */
  readonly conflicts: readonly string[];
}

/** `plan --to`: the whole upgrade in a throw-away working copy; nothing is committed or pushed. */
export async function runUpgradePlan(opts: ForkOptions, to: Release, deps: Deps): Promise<UpgradePreview> {
  const located = await locateFork(opts, deps, false);
  const base = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'kubeflow-gitops-upgrade-'));
  try {
    const dir = join(base, 'fork');
    const ws = await openWorkspace(opts, deps, located, dir, to);
    const merged = ws.from === to ? { autoResolved: [], conflicts: [] } : await mergeRelease(deps.git, dir, ws.toSha);
    const plan = merged.conflicts.some((p) => p.startsWith('kubeflow-apps/') || p.startsWith('overlays/'))
      ? undefined // the Applications themselves are mid-conflict: planning them would read conflict markers
      : await ensureUpgraded(
          {
            dir,
            from: ws.from,
            to,
            opts,
            repoURL: located.repoURL,
            shown: displayUrl(located.pushUrl),
            execute: false,
          },
          deps,
        );
    return { plan, from: ws.from, to, autoResolved: merged.autoResolved, conflicts: merged.conflicts };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

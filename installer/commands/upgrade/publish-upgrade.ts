/**
 * The upgrade's one commit (the merge, when one is in progress) and its push without force. A push
 * that fails after the user resolved conflicts keeps their resolution in the working copy.
 */
import { FORK_VENDOR_DIR } from '../../core/constants.js';
import type { Deps } from '../../deps.js';
import { ExitCode, UserError } from '../../core/errors.js';
import type { ForkRemote } from '../../steps/locate-fork.js';
import { displayUrl } from '../../systems/git.js';
import type { UpgradePlan } from './build-upgrade-plan.js';
import type { UpgradeSession } from './upgrade-session.js';
import { clearUpgrade } from './upgrade-state.js';

export interface PublishedUpgrade {
  readonly revision: string;
  readonly committed: boolean;
  readonly pushed: boolean;
}

export async function publishUpgrade(
  s: UpgradeSession,
  plan: UpgradePlan,
  remote: ForkRemote,
  branch: string,
  deps: Deps,
): Promise<PublishedUpgrade> {
  const dir = s.dirs.workDir;
  const message = commitMessage(plan, branch);
  const sha = (await deps.git.isMerging(dir))
    ? await deps.git.commitMerge(dir, message)
    : await deps.git.commitAll(dir, message);
  const revision = sha ?? (await deps.git.headSha(dir));
  const pushed = revision !== s.remoteSha;
  if (pushed) {
    deps.log.step(`pushing ${branch} to ${displayUrl(remote.pushUrl)}`);
    try {
      await deps.git.push(dir, remote.pushUrl, branch, remote.auth);
    } catch (err) {
      if (s.conflicted.length === 0) await clearUpgrade(s.dirs);
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
  return { revision, committed: sha !== undefined, pushed };
}

function commitMessage(plan: UpgradePlan, branch: string): string {
  const head =
    plan.from === plan.to
      ? `kubeflow-gitops: Kubeflow ${plan.to} for ${plan.target}: managed files brought up to date`
      : `kubeflow-gitops: upgrade Kubeflow ${plan.from} -> ${plan.to} (${plan.target})`;
  const body = [
    plan.from === plan.to ? '' : `Merges upstream's ${plan.to} into ${branch}; changes made in the fork are kept.`,
    ...plan.components.flatMap((c) => componentLine(c, plan.to)),
    plan.vendor.sources.length > 0 || plan.vendorRemoved.length > 0
      ? `Remote kustomize bases vendored again under ${FORK_VENDOR_DIR}/.`
      : '',
  ].filter(Boolean);
  return `${head}\n\n${body.join('\n')}`.trim();
}

function componentLine(c: UpgradePlan['components'][number], to: UpgradePlan['to']): string[] {
  switch (c.change) {
    case 'moved':
      return [`- ${c.name}: upstream path ${c.from} -> ${c.to}`];
    case 'merged':
      return [`- ${c.name}: part of ${c.into} in ${to}; its Application was removed`];
    case 'removed':
      return [`- ${c.name}: not in ${to}; its Application was removed`];
    case 'added':
      return [`- ${c.name}: added (needed by ${c.requestedBy.join(', ')})`];
    case 'kept':
      return [];
  }
}

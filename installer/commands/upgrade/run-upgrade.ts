/**
 * `upgrade --to <release>`: merge upstream's new release into the fork branch with git, settle the
 * tool's own conflicts, run the ensure-steps (managed paths, new components' files, vendoring), check
 * the cluster, commit once and push without force, then the cluster steps of install. Conflicts in
 * the user's edits stop the run before anything is pushed, leaving the merge in a working copy under
 * the state directory for `upgrade --continue` (or `--abort`). The fork is the state: the release
 * comes from git, the components and target from the fork's Applications, so a re-run after a landed
 * upgrade is a no-op and a killed run simply starts again.
 */
import type { Release } from '../../catalogue/releases.js';
import type { Deps } from '../../deps.js';
import { passPreflight } from '../../steps/pass-preflight.js';
import { deliverToCluster, type ClusterOptions } from '../../steps/deliver-to-cluster.js';
import { argoCdAction } from '../../steps/ensure-argocd.js';
import { snapshotForkBranch, type ForkBranch } from '../../steps/fork-branch.js';
import { readInstallRecord } from '../../steps/ensure-install-record.js';
import { locateFork, type ForkRemote } from '../../steps/locate-fork.js';
import { readForkApplications } from '../../steps/read-fork-files.js';
import { retireDroppedApplications } from '../../steps/retire-applications.js';
import { prepareUpgradeSteps } from '../../steps/upgrade-steps.js';
import type { ForkOptions } from '../../inputs/fork-options.js';
import type { PreflightResult } from '../../preflight/preflight.js';
import { displayUrl } from '../../systems/git.js';
import type { Kube } from '../../systems/kube.js';
import type { UpgradePlan } from './build-upgrade-plan.js';
import { ensureUpgraded } from './ensure-upgraded.js';
import { publishUpgrade } from './publish-upgrade.js';
import type { UpgradeResult } from './upgrade-result.js';
import {
  openSession,
  ownedUntilStopped,
  verifyResolved,
  type UpgradeAction,
  type UpgradeSession,
} from './upgrade-session.js';
import { clearUpgrade, upgradeDirs, withUpgradeLock, type UpgradeDirs } from './upgrade-state.js';

export interface UpgradeOptions {
  /** Where the fork is and how to reach it (its release, components and target are ignored: the fork says). */
  readonly fork: ForkOptions;
  /** Required to start; taken from the stopped upgrade for continue and abort. */
  readonly to?: Release | undefined;
  readonly action: UpgradeAction;
  /** The cluster to apply the upgrade to; without it (--no-apply) the run ends with the push. */
  readonly cluster?: { readonly kube: Kube; readonly options: ClusterOptions } | undefined;
  /** Says what happened to the fork, before the cluster steps start. */
  readonly onForkSettled?: ((r: UpgradeResult) => void) | undefined;
}

export async function runUpgrade(o: UpgradeOptions, deps: Deps): Promise<UpgradeResult> {
  const remote = await locateFork(o.fork, deps);
  const dirs = upgradeDirs(deps.stateDir, remote.pushUrl, o.fork.branch);
  const shown = `${displayUrl(remote.pushUrl)} ${o.fork.branch}`;
  const settled = await withUpgradeLock(dirs, shown, deps.log, () => upgradeFork(o, deps, remote, dirs));
  o.onForkSettled?.(settled.result);
  if (settled.result.kind !== 'upgraded' && settled.result.kind !== 'up-to-date') return settled.result;
  if (o.cluster === undefined || settled.fork === undefined || settled.preflight === undefined) return settled.result;
  const delivered = await deliverToCluster(
    o.cluster.kube,
    {
      remote,
      branch: o.fork.branch,
      release: settled.result.plan.to,
      fork: settled.fork,
      preflight: settled.preflight,
    },
    o.cluster.options,
    deps,
  );
  return { ...settled.result, delivered };
}

interface SettledFork {
  readonly result: UpgradeResult;
  readonly fork?: ForkBranch | undefined;
  readonly preflight?: PreflightResult | undefined;
}

/** Under the lock: merge, ensure-steps, the cluster check, one commit and push. */
async function upgradeFork(o: UpgradeOptions, deps: Deps, remote: ForkRemote, dirs: UpgradeDirs): Promise<SettledFork> {
  const session = await openSession(o.action, o.to, o.fork, deps, remote, dirs);
  if (session.kind !== 'ready') return { result: session };
  // A continued upgrade's working copy holds the user's resolution: kept when this run fails.
  const owned = o.action === 'start' ? ownedUntilStopped : <T>(_: UpgradeDirs, work: () => Promise<T>) => work();
  const { plan, preflight, published } = await owned(dirs, async () => {
    const plan = await ensureNewRelease(session, o.fork, remote, deps);
    const preflight = o.cluster ? await checkUpgradeCluster(o.cluster.kube, plan, deps) : undefined;
    if (o.cluster) await retireAndHold(o.cluster.kube, plan, session, deps);
    return { plan, preflight, published: await publishUpgrade(session, plan, remote, o.fork.branch, deps) };
  });
  let fork: ForkBranch | undefined;
  try {
    if (o.cluster && preflight) {
      const renderArgoCd = argoCdAction(preflight.argocd, { configure: o.cluster.options.configureArgocd }) !== 'none';
      fork = await snapshotForkBranch(session.dirs.workDir, published.revision, deps, { renderArgoCd });
    }
  } finally {
    await clearUpgrade(dirs);
  }
  const upToDate = session.from === session.to && !published.committed;
  return {
    result: {
      kind: upToDate ? 'up-to-date' : 'upgraded',
      plan,
      repoURL: remote.repoURL,
      branch: o.fork.branch,
      ...published,
      autoResolved: session.autoResolved,
    },
    fork,
    preflight,
  };
}

/** The ensure-steps on the merged working copy (after checking the user's resolution, when continuing). */
async function ensureNewRelease(s: UpgradeSession, opts: ForkOptions, remote: ForkRemote, deps: Deps) {
  const dir = s.dirs.workDir;
  if (await deps.git.isMerging(dir)) await verifyResolved(deps, dir, s.conflicted);
  return ensureUpgraded(
    { dir, from: s.from, to: s.to, opts, repoURL: remote.repoURL, shown: displayUrl(remote.pushUrl), execute: true },
    deps,
  );
}

/** Reach the cluster before the fork changes: a wrong context or a dead API server stops here. */
function checkUpgradeCluster(kube: Kube, plan: UpgradePlan, deps: Deps): Promise<PreflightResult> {
  return passPreflight(
    kube,
    {
      release: plan.to,
      target: plan.target,
      footprint: plan.footprint,
      components: plan.selection.map((c) => c.name),
    },
    deps.log,
    { unchanged: 'nothing was pushed' },
  );
}

/**
 * Retire the Applications the new release drops and place the upgrade steps' holds, before the push:
 * Argo CD may see the new commit at once (a webhook), and would then cascade, prune or fail on an
 * immutable field.
 */
async function retireAndHold(kube: Kube, plan: UpgradePlan, s: UpgradeSession, deps: Deps): Promise<void> {
  const forkApps = new Set((await readForkApplications(s.dirs.workDir)).map((a) => a.metadata?.name ?? ''));
  await retireDroppedApplications(kube, forkApps, plan.to, await readInstallRecord(kube), deps.log);
  // Upstream's manual steps and the hold on users' data, after the retirements' holds (it lifts some).
  await prepareUpgradeSteps(kube, plan.steps, deps.log);
}

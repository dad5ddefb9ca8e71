/** `plan --to`: the whole upgrade in a throw-away working copy; nothing is committed or pushed. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Release } from '../../catalogue/releases.js';
import { FORK_APPS_DIR, FORK_OVERLAYS_DIR } from '../../core/constants.js';
import type { Deps } from '../../deps.js';
import { locateFork } from '../../steps/locate-fork.js';
import type { ForkOptions } from '../../inputs/fork-options.js';
import { displayUrl } from '../../systems/git.js';
import type { UpgradePlan } from './build-upgrade-plan.js';
import { ensureUpgraded } from './ensure-upgraded.js';
import { mergeRelease, type MergeOutcome } from './merge-release.js';
import { openUpgradeWorkspace } from './upgrade-session.js';

export interface UpgradePreview {
  readonly plan?: UpgradePlan | undefined;
  readonly from: Release;
  readonly to: Release;
  readonly autoResolved: MergeOutcome['autoResolved'];
  /** Files the upgrade would stop on. */
  readonly conflicts: readonly string[];
}

export async function runUpgradePlan(opts: ForkOptions, to: Release, deps: Deps): Promise<UpgradePreview> {
  const remote = await locateFork(opts, deps);
  const base = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'kubeflow-gitops-upgrade-'));
  try {
    const dir = join(base, 'fork');
    const ws = await openUpgradeWorkspace(opts, deps, remote, dir, to);
    const merged = ws.from === to ? { autoResolved: [], conflicts: [] } : await mergeRelease(deps.git, dir, ws.toSha);
    // The Applications themselves mid-conflict: planning them would read conflict markers.
    const plan = merged.conflicts.some(
      (p) => p.startsWith(`${FORK_APPS_DIR}/`) || p.startsWith(`${FORK_OVERLAYS_DIR}/`),
    )
      ? undefined
      : await ensureUpgraded(
          {
            dir,
            from: ws.from,
            to,
            opts,
            repoURL: remote.repoURL,
            shown: displayUrl(remote.pushUrl),
            execute: false,
          },
          deps,
        );
    return { plan, from: ws.from, to, autoResolved: merged.autoResolved, conflicts: merged.conflicts };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

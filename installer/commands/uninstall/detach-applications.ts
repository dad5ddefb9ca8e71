/**
 * Gets the Applications ready to be deleted: settled retirements, released holds, the root detached
 * (it goes alone, nothing re-creates children), every child's auto-sync off with the cascade
 * finalizer on, and what was in the cluster before the install marked to stay.
 */
import type { Deps } from '../../deps.js';
import { markPreexisting } from '../../steps/keep-preexisting.js';
import { finishRetirements, releaseHolds } from '../../steps/retire-applications.js';
import { releaseUpgradeHolds } from '../../steps/upgrade-steps.js';
import type { UninstallPlan } from '../../plan/build-uninstall-plan.js';
import type { InstallRecord } from '../../plan/parse-install-record.js';
import { applicationRef, detachApplication, stopAutoSync } from '../../systems/argocd.js';
import type { Kube, KubeObject } from '../../systems/kube.js';

export async function detachApplications(
  kube: Kube,
  plan: UninstallPlan,
  apps: readonly KubeObject[],
  record: InstallRecord | undefined,
  deps: Deps,
  deleted: string[],
): Promise<void> {
  // Applications an upgrade retired and the root already pruned: what they left is settled as the
  // upgrade would have (adopted objects stay with their successor, the rest goes or is handed back).
  await finishRetirements(kube, new Set(), record, deps.log, { timeoutMs: 0 });
  // What an unfinished hand-over still holds goes with whichever Application tracks it.
  await releaseHolds(kube);
  // And what an unfinished upgrade holds (users' data CRDs, namespaces): uninstall removes them too.
  await releaseUpgradeHolds(kube, deps.log);
  if (plan.root !== undefined) {
    // Without its finalizer the root goes alone: Argo CD does not cascade, and nothing re-creates children.
    deps.log.step(`detaching the root Application "${plan.root}"`);
    await detachApplication(kube, plan.root);
    await kube.delete(applicationRef(plan.root));
    deleted.push(`Application ${plan.root}`);
  }
  const children = apps.filter((a) => a.metadata?.name !== plan.root);
  for (const a of children) await stopAutoSync(kube, a);
  // Before the first cascade: Argo CD adopted what a component shares with what was already there.
  await markPreexisting(kube, children, record, deps.log);
}

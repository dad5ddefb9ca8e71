/**
 * `uninstall`: removes Kubeflow through Argo CD while Argo CD still runs, then what is left that this
 * install created, then (only if kubeflow-gitops installed it) Argo CD. Every step is an ensure-step
 * on what the cluster shows now, so a run that was interrupted is finished by running it again.
 */
import type { Deps } from '../../deps.js';
import { ExitCode, UserError } from '../../core/errors.js';
import { buildUninstallPlan, renderUninstallPlan, type UninstallPlan } from '../../plan/build-uninstall-plan.js';
import type { Kube } from '../../systems/kube.js';
import { deleteWaves } from './delete-waves.js';
import { detachApplications } from './detach-applications.js';
import { findInstall } from './find-install.js';
import { removeArgoCd } from './remove-argocd.js';
import { sweepLeftovers } from './sweep-leftovers.js';
import type { UninstallOptions } from './uninstall-steps.js';
import { waitForVolumes } from './wait-for-volumes.js';

export type { UninstallOptions } from './uninstall-steps.js';

export interface UninstallResult {
  readonly exitCode: number;
  readonly plan: UninstallPlan;
  readonly deleted: readonly string[];
  readonly stuck: readonly string[];
}

export async function runUninstall(opts: UninstallOptions, deps: Deps, kube: Kube): Promise<UninstallResult> {
  const found = await findInstall(kube);
  const { apps, foreignApps, record } = found;
  const plan = buildUninstallPlan({ apps, foreignApps, record, keepArgocd: opts.keepArgocd });
  const done = (exitCode: number, deleted: readonly string[] = [], stuck: readonly string[] = []) => ({
    exitCode,
    plan,
    deleted,
    stuck,
  });
  // No Application of ours and no install record: a plan would only list what is not ours to touch.
  if (!found.argocd || (apps.length === 0 && !record)) {
    deps.log.info(`nothing installed by kubeflow-gitops in context "${kube.target.context}"; nothing to uninstall`);
    return done(ExitCode.ok);
  }
  process.stderr.write(renderUninstallPlan(plan, kube.target));
  if (opts.dryRun) return done(ExitCode.ok);
  if (!(await confirmed(opts, deps, kube))) return done(ExitCode.interrupted);

  const deleted: string[] = [];
  await detachApplications(kube, plan, apps, record, deps, deleted);
  const steps = [
    () => deleteWaves(kube, plan, opts, deps, deleted),
    () => sweepLeftovers(kube, plan, opts, deps, deleted),
    () => waitForVolumes(kube, plan, opts, deps),
    () => removeArgoCd(kube, plan, opts, deps, deleted),
  ];
  // Each step runs only when everything before it is gone; the first that is held says why.
  for (const step of steps) {
    const stuck = await step();
    if (stuck.length > 0) {
      deps.log.warn(notCompleteSentence(stuck));
      return done(ExitCode.timeout, deleted, stuck);
    }
  }
  deps.log.step(
    `uninstalled: ${deleted.length} object(s) and Application(s) removed${plan.removeArgocd ? ', Argo CD included' : ''}`,
  );
  return done(ExitCode.ok, deleted);
}

/** --yes, or a person who says yes; without a terminal to ask, a clear refusal. */
async function confirmed(opts: UninstallOptions, deps: Deps, kube: Kube): Promise<boolean> {
  if (opts.yes) return true;
  const context = kube.target.context;
  if (!deps.prompter.canPrompt)
    throw new UserError(
      `uninstall deletes Kubeflow from context "${context}": pass --yes to confirm (or --dry-run to only see the plan)`,
      ExitCode.usage,
    );
  return deps.prompter.confirm(`Delete Kubeflow from context "${context}"?`, false);
}

function notCompleteSentence(stuck: readonly string[]): string {
  const holding = stuck.map((s) => `  - ${s}`).join('\n');
  return `uninstall is not complete; these are holding it:\n${holding}\nfix them (or wait) and run \`kubeflow-gitops uninstall\` again`;
}

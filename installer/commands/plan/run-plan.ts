/** `plan`: everything `fork` would do (components, files, vendored bases, Application diffs), done nowhere. */
import { resolveComponents } from '../../catalogue/resolve-components.js';
import type { Deps } from '../../deps.js';
import { locateFork } from '../../steps/locate-fork.js';
import { refuseUnreadableFork } from '../../inputs/argocd-reach.js';
import type { ForkOptions } from '../../inputs/fork-options.js';
import type { ForkPlan } from '../../plan/build-fork-plan.js';
import { displayUrl } from '../../systems/git.js';
import { openForkWorkspace, writeForkChanges } from '../../steps/fork-workspace.js';

export async function runPlan(opts: ForkOptions, deps: Deps): Promise<ForkPlan> {
  const components = resolveComponents(opts.components, opts.release);
  refuseUnreadableFork(opts);
  const remote = await locateFork(opts, deps);
  const ws = await openForkWorkspace(opts, deps, remote);
  try {
    const { plan } = await writeForkChanges(opts, deps, ws, remote, components, { vendoring: 'preview' });
    if (remote.missing === undefined) return plan;
    return { ...plan, notes: [...plan.notes, `${displayUrl(remote.pushUrl)} does not exist yet: ${remote.missing}`] };
  } finally {
    await ws.cleanup();
  }
}

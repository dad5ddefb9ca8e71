/**
 * `fork`: get a working copy of the fork branch, make it hermetic, write and rewrite the Argo CD
 * Applications and overlays, commit, push. Every step is an ensure-step, so re-running is the
 * recovery path and a no-op when nothing changed. The fork itself is created last, right before the
 * push, so a run that fails on the way creates nothing.
 */
import { resolveComponents } from '../../catalogue/resolve-components.js';
import type { Deps } from '../../deps.js';
import { checkUpstreamRelease } from '../../steps/check-upstream.js';
import { givenAdminPassword } from '../../steps/ensure-dex-password.js';
import { createForkIfMissing, locateFork } from '../../steps/locate-fork.js';
import type { ForkOptions } from '../../inputs/fork-options.js';
import { openForkWorkspace, writeForkChanges } from '../../steps/fork-workspace.js';
import { publishFork, type ForkResult } from '../../steps/publish-fork.js';

export async function runFork(opts: ForkOptions, deps: Deps): Promise<ForkResult> {
  const components = resolveComponents(opts.components, opts.release);
  await givenAdminPassword(opts, components, deps.env, deps.typed?.adminPassword);
  const found = await locateFork(opts, deps);
  await checkUpstreamRelease(opts, deps);
  const ws = await openForkWorkspace(opts, deps, found);
  try {
    const changes = await writeForkChanges(opts, deps, ws, found, components, { vendoring: 'fetch' });
    const remote = await createForkIfMissing(opts, deps, found);
    return await publishFork(opts, deps, ws, remote, changes);
  } finally {
    await ws.cleanup();
  }
}

/**
 * `fork`: get a working copy of the fork branch, make it hermetic, write and rewrite the Argo CD
 * Applications and overlays, commit, push. Every step is an ensure-step, so re-running is the
 * recovery path and a no-op when nothing changed.
 */
import { resolveComponents } from '../catalogue/resolve-components.js';
import type { Deps } from '../deps.js';
import { locateFork } from '../execute/locate-fork.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { openForkWorkspace, writeForkChanges } from './fork-workspace.js';
import { publishFork, type ForkResult } from './publish-fork.js';

export async function runFork(opts: ForkOptions, deps: Deps): Promise<ForkResult> {
  const components = resolveComponents(opts.components, opts.release);
  const remote = await locateFork(opts, deps, { create: true });
  const ws = await openForkWorkspace(opts, deps, remote);
  try {
    const changes = await writeForkChanges(opts, deps, ws, remote, components, { vendoring: 'fetch' });
    return await publishFork(opts, deps, ws, remote, changes);
  } finally {
    await ws.cleanup();
  }
}

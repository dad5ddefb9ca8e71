/**
 * The fork half of install and demo, once the fork is located: one working copy changed, vendored,
 * committed (no commit when nothing changed) and pushed (no push when the branch is there already),
 * then read by the cluster steps from that same copy. A fork that is not there yet is created only
 * once the working copy is ready to push, so a run that fails before leaves no repository.
 */
import type { ResolvedComponent } from '../catalogue/resolve-components.js';
import type { Deps } from '../deps.js';
import { passwordSavedSentence, pushedSentence } from './describe-fork-result.js';
import { openForkWorkspace, writeForkChanges } from './fork-workspace.js';
import { publishFork, type ForkResult } from './publish-fork.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { forkBranchIn, type ForkBranch } from './fork-branch.js';
import { createForkIfMissing, type ForkRemote } from './locate-fork.js';
import { checkSelectionImages, passRegistryCheck } from './check-registry-images.js';
import { renderArgoCd } from './render-components.js';

export interface UpdateChecks {
  /** With a registry, look every image up in it before the fork is created or pushed (default: yes). */
  readonly images?: boolean | undefined;
  /** Look Argo CD's own images up too: the install puts Argo CD in (default: yes). */
  readonly argocdImages?: boolean | undefined;
}

export async function updateFork(
  opts: ForkOptions,
  deps: Deps,
  found: ForkRemote,
  components: readonly ResolvedComponent[],
  checks: UpdateChecks = {},
): Promise<{ published: ForkResult; fork: ForkBranch; remote: ForkRemote }> {
  const ws = await openForkWorkspace(opts, deps, found);
  let renders: readonly Promise<unknown>[] = [];
  try {
    const changes = await writeForkChanges(opts, deps, ws, found, components, { vendoring: 'fetch' });
    // The working copy is what gets pushed from here on: the components' renders (CPU-bound, no side
    // effect) start now and overlap the fork's creation, the push and the first cluster steps.
    const branch = await forkBranchIn(ws.dir, '', deps, ws.cleanup);
    renders = branch.renders();
    // The images the fork will pull are known only once it is rewritten: the last check before the
    // fork is created or pushed, so a missing image still leaves nothing changed.
    if (opts.registry !== undefined && checks.images !== false) {
      const rendered = (await Promise.allSettled(branch.renders())).flatMap((r) =>
        r.status === 'fulfilled' ? [r.value] : [],
      );
      const check = await checkSelectionImages(deps.skopeo(), deps.log, {
        registry: opts.registry,
        release: opts.release,
        dir: ws.dir,
        rendered,
        argocd: checks.argocdImages === false ? undefined : await renderArgoCd(deps, ws.dir),
      });
      passRegistryCheck(check, deps.log, 'nothing was changed');
    }
    const remote = await createForkIfMissing(opts, deps, found);
    const published = await publishFork(opts, deps, ws, remote, changes);
    deps.log.info(pushedSentence(published));
    if (published.passwordFile !== undefined) deps.log.info(passwordSavedSentence(published, published.passwordFile));
    return { published, remote, fork: { ...branch, revision: published.revision } };
  } catch (err) {
    // No kustomize may still read the working copy when it goes.
    await Promise.allSettled(renders);
    await ws.cleanup();
    throw err;
  }
}
